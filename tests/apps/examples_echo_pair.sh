#!/usr/bin/env bash
# examples/echo_server answers, examples/dial_and_say calls it, says a sentence and must hear
# it back (exit 0); echo_server must report the call and exit after it. Bounded: 60 s.
#   examples_echo_pair.sh <echo_server> <dial_and_say>
set -u
server=$1
client=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$server" udp:127.0.0.1:0 1 >"$dir/server.log" 2>&1 &
pid=$!
address=
for _ in $(seq 100); do
  address=$(sed -n 's/^echo server on udp:\(.*\)$/\1/p' "$dir/server.log")
  [ -n "$address" ] && break
  sleep 0.1
done
if [ -z "$address" ]; then
  echo "FAIL: echo_server did not start"; cat "$dir/server.log"; kill "$pid" 2>/dev/null; exit 1
fi

timeout 60 "$client" "sip:echo@$address" "your package has arrived" >"$dir/client.log" 2>&1
client_rc=$?

server_rc=
for _ in $(seq 100); do  # it leaves after its one call
  if ! kill -0 "$pid" 2>/dev/null; then wait "$pid"; server_rc=$?; break; fi
  sleep 0.1
done
[ -z "$server_rc" ] && { kill "$pid" 2>/dev/null; wait "$pid"; server_rc=timeout; }

echo "--- echo_server (exit $server_rc)"; cat "$dir/server.log"
echo "--- dial_and_say (exit $client_rc)"; cat "$dir/client.log"
[ "$client_rc" -eq 0 ] || { echo "FAIL: dial_and_say exit $client_rc"; exit 1; }
grep -q "echo came back" "$dir/client.log" || { echo "FAIL: no echo"; exit 1; }
[ "$server_rc" = 0 ] || { echo "FAIL: echo_server exit $server_rc"; exit 1; }
grep -q "utterances echoed" "$dir/server.log" || { echo "FAIL: server saw no call"; exit 1; }
echo PASS
