#!/bin/sh
# One-shot setup of the log store: waits for Elasticsearch, installs the composable index templates
# of infra/elasticsearch/index-templates/ (each file's name without .json is its template name), then,
# when KIBANA_URL is set, imports Kibana's data views from infra/kibana/saved-objects.ndjson.
# Run it before Logstash writes its first document: an index created before its template exists
# keeps dynamic mappings until it rolls over (next day for logs, next month for events).
#
# Compose (written by the lead) runs it as a one-shot service, for example:
#   elasticsearch-setup:
#     image: curlimages/curl:8.11.1          # POSIX sh and curl are all it needs
#     entrypoint: ["sh", "/setup/elasticsearch/setup.sh"]
#     volumes:
#       - ./infra/elasticsearch:/setup/elasticsearch:ro
#       - ./infra/kibana:/setup/kibana:ro
#     environment:
#       ELASTICSEARCH_URL: http://elasticsearch:9200
#       KIBANA_URL: http://kibana:5601      # optional: leave unset to skip the data views
#     depends_on:
#       elasticsearch: { condition: service_healthy }
#     restart: "no"
# with logstash depending on it (condition: service_completed_successfully).
#
# Environment: ELASTICSEARCH_URL (http://elasticsearch:9200), ELASTIC_USER / ELASTIC_PASSWORD
# (sent as basic auth; ignored while security is off, as in compose), KIBANA_URL (unset: skip
# Kibana), WAIT_SECONDS (how long to wait for each service, 300), KIBANA_OBJECTS (the NDJSON file).
set -eu

ES_URL="${ELASTICSEARCH_URL:-http://elasticsearch:9200}"
ES_AUTH="${ELASTIC_USER:-elastic}:${ELASTIC_PASSWORD:-changeme}"
WAIT_SECONDS="${WAIT_SECONDS:-300}"
HERE="$(cd "$(dirname "$0")" && pwd)"
TEMPLATES="$HERE/index-templates"
KIBANA_OBJECTS="${KIBANA_OBJECTS:-$HERE/../kibana/saved-objects.ndjson}"

log() {
  printf '%s elasticsearch-setup: %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}

# wait_for NAME URL [curl options...]: polls URL until it answers 2xx, at most WAIT_SECONDS.
wait_for() {
  name="$1"
  url="$2"
  shift 2
  waited=0
  until curl -fsS -o /dev/null --max-time 5 "$@" "$url"; do
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      log "$name did not answer at $url within ${WAIT_SECONDS}s"
      exit 1
    fi
    sleep 2
    waited=$((waited + 2))
  done
  log "$name is up ($url)"
}

# Yellow is as good as it gets on one node for indices with replicas; ours have none.
wait_for Elasticsearch "$ES_URL/_cluster/health?wait_for_status=yellow&timeout=5s" -u "$ES_AUTH"

found=0
for file in "$TEMPLATES"/*.json; do
  [ -f "$file" ] || continue
  found=$((found + 1))
  name="$(basename "$file" .json)"
  log "PUT _index_template/$name"
  curl -fsS --max-time 30 -u "$ES_AUTH" -X PUT "$ES_URL/_index_template/$name" \
    -H 'Content-Type: application/json' --data-binary "@$file"
  printf '\n'
done
if [ "$found" -eq 0 ]; then
  log "no index templates in $TEMPLATES"
  exit 1
fi

if [ -n "${KIBANA_URL:-}" ]; then
  wait_for Kibana "$KIBANA_URL/api/status" -u "$ES_AUTH"
  log "importing $(basename "$KIBANA_OBJECTS") into Kibana"
  response="$(curl -fsS --max-time 60 -u "$ES_AUTH" -X POST \
    "$KIBANA_URL/api/saved_objects/_import?overwrite=true" \
    -H 'kbn-xsrf: true' --form "file=@$KIBANA_OBJECTS")"
  printf '%s\n' "$response"
  # The import answers 200 even when an object failed: success says whether all of them went in.
  case "$response" in
    *'"success":true'*) ;;
    *)
      log "Kibana import failed"
      exit 1
      ;;
  esac
fi

log "done"
