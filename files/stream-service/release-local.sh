# The app directory uploaded to the stage; its release name is the hash of its files.
[[ -d $STAGE/app ]] || die "the app directory has not been uploaded to $STAGE/app"
release=$(cd "$STAGE/app" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)
if [[ ! -d $install_dir/releases/$release ]]; then
    rm -rf "$install_dir/releases/$release.new"
    cp -a "$STAGE/app/." "$install_dir/releases/$release.new"
    chown -R root:root "$install_dir/releases/$release.new"
    mv "$install_dir/releases/$release.new" "$install_dir/releases/$release"
fi
