# Sourced by the scripts that need a display: start_xvfb WORKDIR starts an
# Xvfb on a free display (-displayfd), waits until it answers and exports
# DISPLAY; xvfb_pid is its PID for the caller's cleanup. Two Xvfbs started at
# the same moment can pick the same number, and the loser exits: so a server
# that is gone once the display answers is started again.
start_xvfb() {
  local dir=$1 try
  for try in 1 2 3; do
    rm -f "$dir/display"
    exec 3>"$dir/display"
    Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp >"$dir/xvfb.log" 2>&1 &
    xvfb_pid=$!
    exec 3>&-
    for _ in $(seq 1 100); do [ -s "$dir/display" ] && break; sleep 0.1; done
    if [ -s "$dir/display" ]; then
      export DISPLAY=":$(head -n1 "$dir/display")"
      for _ in $(seq 1 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done
      sleep 0.2
      if kill -0 "$xvfb_pid" 2>/dev/null && xdpyinfo >/dev/null 2>&1; then return 0; fi
    fi
    kill "$xvfb_pid" 2>/dev/null || true
    echo "xvfb: try $try failed; $(tail -n2 "$dir/xvfb.log" | tr '\n' ' ')" >&2
    sleep "$try"
  done
  echo "xvfb: no display could be started" >&2
  return 1
}
