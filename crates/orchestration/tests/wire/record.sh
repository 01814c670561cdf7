#!/bin/bash
# Regenerates the STOMP captures in ./captures using the real Debian MCollective 2.12.5
# (mco + mcollectived) and the local RabbitMQ (127.0.0.1:61613, guest/guest).
# Everything runs in a fresh temp dir with freshly generated (ephemeral) RSA keys.
# Only processes started by this script are stopped, by PID.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-$HERE/captures}
"$HERE/setup.sh" >/dev/null || exit 1

D=$(mktemp -d /tmp/bunraku-mcowire.XXXXXX)
PORT=$(python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])')
mkdir -p "$D/keys" "$D/clients" "$D/cap"
gen() { openssl genrsa -out "$1" 2048 2>/dev/null && openssl rsa -in "$1" -pubout -out "$2" 2>/dev/null; }
gen "$D/keys/alice-private.pem"  "$D/clients/alice.pem"
gen "$D/keys/server-private.pem" "$D/keys/server-public.pem"
gen "$D/keys/rogue-private.pem"  "$D/keys/rogue-public.pem"
printf -- '---\nosfamily: Debian\nrole: web\nlocation: lab\nnumber: 42\n' > "$D/facts.yaml"
printf 'roles::web\nprofile::base\n' > "$D/classes.txt"
for f in server client; do sed -e "s|@DIR@|$D|g" -e "s|@PORT@|$PORT|g" "$HERE/$f.cfg.in" > "$D/$f.cfg"; done
# client config with direct addressing disabled (RPC requests then go to the broadcast exchange)
{ cat "$D/client.cfg"; echo "direct_addressing = 0"; } > "$D/client-nodirect.cfg"
# server config whose reply-signing key is NOT the one the client trusts
sed -e "s|keys/server-private.pem|keys/rogue-private.pem|" "$D/server.cfg" > "$D/server-rogue.cfg"

SHIM="-r$HERE/psych_positional_shim.rb"
rm -rf "$OUT"; mkdir -p "$OUT/keys"
cp "$D"/keys/*.pem "$D/clients/alice.pem" "$D/facts.yaml" "$D/classes.txt" "$OUT/keys/"
echo "$D" > "$OUT/TMPDIR_USED"

python3 "$HERE/stomp_proxy.py" "$PORT" 127.0.0.1 61613 "$D/cap" > "$D/proxy.out" 2>&1 &
PROXY=$!
sleep 1

MCD=""
CFG="$D/client.cfg"
start_mcd() {  # $1 = config, $2 = RUBYOPT
  : > "$D/server.log"
  RUBYOPT="$2" mcollectived --config "$1" --no-daemonize > "$D/mcd.out" 2>&1 &
  MCD=$!
  for i in $(seq 1 30); do grep -q "Waiting for a message" "$D/server.log" 2>/dev/null && break; sleep 0.5; done
  sleep 0.5
}
stop_mcd() { [ -n "$MCD" ] && kill "$MCD" 2>/dev/null; wait "$MCD" 2>/dev/null; MCD=""; }

run() {  # $1 = label, rest = mco args ; env RUBYOPT honoured via $RO
  local label=$1; shift
  echo "$label" > "$D/cap/LABEL"
  : > "$D/client.log"; local srvstart; srvstart=$(wc -l < "$D/server.log")
  { echo "\$ mco $*"; RUBYOPT="$RO" timeout 60 mco "$@" --config "$CFG" 2>&1; echo "[exit status $?]"; } > "$OUT/$label.out"
  sleep 1.5
  grep -v ' DEBUG -- ' "$D/client.log" > "$OUT/$label.client-log.txt"
  tail -n +"$((srvstart+1))" "$D/server.log" | grep -v ' DEBUG -- ' > "$OUT/$label.server-log.txt"
  echo idle > "$D/cap/LABEL"
}

# ---- phase 0: stock Ruby 3.1 / Psych 4 (no shim): requests cannot be decoded
echo 00-daemon-start-stock > "$D/cap/LABEL"
start_mcd "$D/server.cfg" ""
RO=""
run 00-stock-ping-fails ping
cp "$D/server.log" "$OUT/00-stock-server-full-log.txt"
stop_mcd; sleep 1

# ---- phase 1: with the Psych positional-args shim in both processes
echo 10-daemon-start > "$D/cap/LABEL"
start_mcd "$D/server.cfg" "$SHIM"
RO="$SHIM"
run 11-ping                     ping
run 12-find                     find
run 13-find-identity            find -I node1
run 14-facts-role               facts role
run 15-inventory                inventory node1
run 16-rpc-ping                 rpc rpcutil ping
run 17-rpc-get_fact             rpc rpcutil get_fact fact=role
run 18-rpc-agent_inventory      rpc rpcutil agent_inventory
run 19-rpc-collective_info      rpc rpcutil collective_info
run 20-rpc-daemon_stats         rpc rpcutil daemon_stats
run 21-ping-fact-filter         ping -F role=web
run 22-ping-fact-filter-nomatch ping -F role=db
run 23-find-fact-regex          find -F role=/^we/
run 24-find-fact-operator       find -F 'number>=40'
run 25-ping-class-filter        ping -C roles::web
run 26-ping-class-regex         ping -C /profile/
run 27-ping-agent-filter        ping -A rpcutil
run 28-ping-identity-filter     ping -I node1
run 29-ping-compound-filter     ping -S 'role=web and roles::web'
run 30-find-combined-filter     find -W 'role=web roles::web'
run 31-rpc-ping-identity-direct rpc rpcutil ping -I node1
run 32-rpc-ping-fact-filter     rpc rpcutil ping -F role=web --dt 1
run 33-rpc-ping-dt              rpc rpcutil ping --dt 1
CFG="$D/client-nodirect.cfg"
run 34-rpc-ping-no-direct-addressing rpc rpcutil ping --dt 1
run 35-rpc-ping-identity-no-direct   rpc rpcutil ping -I node1
CFG="$D/client.cfg"
run 36-rpc-ping-ttl30           rpc rpcutil ping -I node1 --ttl 30
run 37-rpc-get_config_item-bad  rpc rpcutil get_config_item item=nosuchitem -I node1
run 38-rpc-get_fact-missing     rpc rpcutil get_fact fact=nosuchfact -I node1
# hand-crafted requests (python, no Ruby) sent straight through the proxy
craft() {  # $1 label, $2 mode
  echo "$1" > "$D/cap/LABEL"; local srvstart; srvstart=$(wc -l < "$D/server.log")
  { echo "\$ craft_request.py $2"; python3 "$HERE/craft_request.py" "$PORT" "$D/keys" "$2" 2>&1; } > "$OUT/$1.out"
  sleep 1
  tail -n +"$((srvstart+1))" "$D/server.log" | grep -v ' DEBUG -- ' > "$OUT/$1.server-log.txt"
  echo idle > "$D/cap/LABEL"
}
craft 42-crafted-ok             ok
craft 43-crafted-tamper-msgtime tamper-msgtime
craft 44-crafted-bad-signature  bad-sig
craft 45-crafted-old            old
# request stamped 120 s in the past (TTL 60) -> mcollectived refuses it
export BUNRAKU_TIME_SHIFT=120; RO="$SHIM -r$HERE/time_shift_shim.rb"
run 40-ttl-expired-ping ping
run 41-ttl-expired-rpc-ping-direct rpc rpcutil ping -I node1
unset BUNRAKU_TIME_SHIFT; RO="$SHIM"
echo 49-daemon-stop > "$D/cap/LABEL"
stop_mcd; sleep 1

# ---- phase 2: server signs replies with a key the client does not trust
echo 50-daemon-start-rogue > "$D/cap/LABEL"
start_mcd "$D/server-rogue.cfg" "$SHIM"
run 51-rogue-key-ping            ping
cp "$D/client.log" "$OUT/51-rogue-key-ping.client-full-log.txt"
run 52-rogue-key-rpc-ping-direct rpc rpcutil ping -I node1
cp "$D/client.log" "$OUT/52-rogue-key-rpc-ping-direct.client-full-log.txt"
echo 59-daemon-stop > "$D/cap/LABEL"
stop_mcd; sleep 1

kill "$PROXY" 2>/dev/null; wait "$PROXY" 2>/dev/null
cp "$D"/cap/*.frames "$OUT/"
cp "$D/server.cfg" "$D/client.cfg" "$D/server-rogue.cfg" "$D/client-nodirect.cfg" "$OUT/"
sed -i "s|$D|@DIR@|g; s|$PORT|@PORT@|g" "$OUT"/*.cfg
echo "captures written to $OUT (temp dir $D kept for inspection)"
