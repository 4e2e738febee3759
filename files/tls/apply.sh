# The origin's TLS key is made here and never leaves the host: only the certificate request does,
# and Cloudflare's Origin CA signs it for Full (strict) between edge and origin.
dir=/etc/origin-stack/tls
key=$dir/origin.key
csr=$dir/origin.csr
install -d -m 700 "$dir"

if [[ ! -f $key ]]; then
    save "$key"
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$key.new"
    chmod 600 "$key.new"
    mv -f "$key.new" "$key"
    CHANGED+=("$key")
    log "generated the origin's private key"
fi

# Keep the request while it matches the key and the name, so an unchanged host asks for no new certificate.
# The subject is printed in RFC 2253 form, which OpenSSL 3.0 (Debian 12) and 3.5 (Debian 13) print
# alike; their default forms differ ("CN = x" and "CN=x"), and a check on one never matches the other.
if ! { [[ -f $csr ]] \
    && [[ $(openssl req -in "$csr" -noout -subject -nameopt RFC2253) == 'subject=CN={{record}}' ]] \
    && [[ $(openssl req -in "$csr" -noout -pubkey) == "$(openssl pkey -in "$key" -pubout)" ]]; }; then
    save "$csr"
    openssl req -new -key "$key" -subj /CN={{record}} -addext subjectAltName=DNS:{{record}} -out "$csr.new"
    mv -f "$csr.new" "$csr"
    CHANGED+=("$csr")
    log "wrote a certificate request for {{record}}"
fi
finish_apply

# Standard output carries the request and nothing else: the deploy hands it to the Origin CA.
cat "$csr"
