begin_revert
remove /etc/origin-stack/tls/origin.key /etc/origin-stack/tls/origin.csr
finish_revert
