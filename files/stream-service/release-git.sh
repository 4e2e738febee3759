# The app from git at a pinned ref; its release name is the commit.
repo=$install_dir/repo.git
if [[ ! -d $repo ]]; then
    git clone --quiet --mirror {{git_url}} "$repo"
else
    git -C "$repo" remote set-url origin {{git_url}}
    git -C "$repo" fetch --quiet --prune origin
fi
commit=$(git -C "$repo" rev-parse --verify {{git_ref}}^{commit})
release=${commit:0:16}
if [[ ! -d $install_dir/releases/$release ]]; then
    rm -rf "$install_dir/releases/$release.new"
    mkdir -p "$install_dir/releases/$release.new"
    git -C "$repo" archive "$commit" | tar -x -C "$install_dir/releases/$release.new"
    mv "$install_dir/releases/$release.new" "$install_dir/releases/$release"
fi
