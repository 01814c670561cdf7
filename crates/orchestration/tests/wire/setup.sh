#!/bin/bash
# Idempotent broker setup for the MCollective rabbitmq connector on the local RabbitMQ.
# - enables the STOMP plugin (port 61613)
# - declares topic exchange mcollective_broadcast and direct exchange mcollective_directed
#   (durable, not auto-delete) on vhost "/".
# Uses rabbitmqctl eval because rabbitmqadmin needs the management plugin (not enabled here).
# rabbit_exchange:declare/7 returns the existing exchange if it already exists, so re-running is safe.
set -e
rabbitmq-plugins enable rabbitmq_stomp >/dev/null
rabbitmqctl eval '[rabbit_exchange:declare(rabbit_misc:r(<<"/">>, exchange, N), T, true, false, false, [], <<"bunraku-setup">>) || {N,T} <- [{<<"mcollective_broadcast">>, topic}, {<<"mcollective_directed">>, direct}]], ok.' >/dev/null
# wait for the STOMP listener
i=0
while ! (exec 3<>/dev/tcp/127.0.0.1/61613) 2>/dev/null; do
  i=$((i+1)); [ $i -gt 30 ] && { echo "STOMP port 61613 not listening" >&2; exit 1; }
  sleep 1
done
rabbitmqctl list_exchanges name type durable 2>/dev/null | grep '^mcollective_'
