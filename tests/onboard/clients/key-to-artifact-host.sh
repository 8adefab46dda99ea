#!/bin/sh
# A client of the v1 Jobs API in POSIX sh with curl (no jq, nothing a fresh
# machine lacks), proving the onboarding interface is language-neutral: it
# reads JOBCERT_BASE_URL, JOBCERT_API_KEY and JOBCERT_VIDEO_URLS, and for each
# source creates a draft, starts it, polls it and downloads the output.
#
# It keeps every client rule but one. Its bug (CLI-7): it downloads output_url
# with `curl -L -H "X-Api-Key: …"`, so the key goes to the artifact URL and,
# after a redirect, to another origin (curl sends -H headers to every host).
# Options: --job-timeout S (default 60).
set -u
set -f # source URLs contain '?'; no globbing when they are split

: "${JOBCERT_BASE_URL:?}" "${JOBCERT_API_KEY:?}" "${JOBCERT_VIDEO_URLS:?}"
JOB_TIMEOUT=60
while [ $# -gt 0 ]; do
  case $1 in
    --job-timeout) JOB_TIMEOUT=$2; shift 2 ;;
    *) shift ;;
  esac
done
REQUEST_TIMEOUT=3
MAX_ATTEMPTS=5
MODEL=light
FORMAT=webm

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
# The key goes to curl in a header file, not on its command line (where ps would show it).
printf 'X-Api-Key: %s\n' "$JOBCERT_API_KEY" > "$tmp/auth"

log() { printf '%s level=%s msg="%s" %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" "$2" "$3"; }
log_error() { log error "$1" "$2" >&2; }
# The first "name":"value" of a JSON file: the engine's bodies are one line with top-level members first.
field() { grep -o "\"$1\":\"[^\"]*\"" "$2" | head -n 1 | cut -d'"' -f4; }
new_key() { od -An -N16 -tx1 /dev/urandom | tr -d ' \n'; }
seed() { od -An -N4 -tu4 /dev/urandom | tr -d ' \n'; }
# CLI-3: attempt n waits a random time in [2^n, 2^(n+1)) seconds, at most 16.
backoff() { awk -v a="$1" -v s="$(seed)" 'BEGIN { srand(s); b = 2 ^ a; if (b > 16) b = 16; d = b * (1 + rand()); if (d > 16) d = 16; printf "%.3f", d }'; }
larger() { awk -v a="$1" -v b="$2" 'BEGIN { print (a > b ? a : b) }'; }
# CLI-2: Retry-After in delay-seconds or as an HTTP-date (GNU date reads the date).
retry_after() {
  ra=$(grep -i '^retry-after:' "$tmp/headers" | head -n 1 | cut -d' ' -f2- | tr -d '\r')
  case $ra in
    '') echo 0 ;;
    *[!0-9]*) at=$(date -d "$ra" +%s 2>/dev/null || echo 0); w=$((at - $(date +%s))); [ "$w" -lt 0 ] && w=0; echo "$w" ;;
    *) echo "$ra" ;;
  esac
}
# CLI-12: one limiter for the key (this client is sequential, so waiting in place is enough).

# call METHOD PATH [BODY] [IDEMPOTENCY_KEY]: sets STATUS, CODE, RID; the answer is in $tmp/body.
call() {
  c_method=$1; c_path=$2; c_body=${3:-}; c_idem=${4:-}
  c_attempt=0
  while [ "$c_attempt" -lt "$MAX_ATTEMPTS" ]; do
    set -- -sS -o "$tmp/body" -D "$tmp/headers" -w '%{http_code}' --max-time "$REQUEST_TIMEOUT" -X "$c_method" -H @"$tmp/auth" -H 'Accept: application/json'
    [ -n "$c_idem" ] && set -- "$@" -H "Idempotency-Key: $c_idem"
    [ -n "$c_body" ] && set -- "$@" -H 'Content-Type: application/json' --data-binary "$c_body"
    : > "$tmp/body"; : > "$tmp/headers"
    STATUS=$(curl "$@" "$JOBCERT_BASE_URL$c_path" 2>"$tmp/err")
    c_rc=$?
    if [ "$c_rc" -ne 0 ]; then
      c_wait=$(backoff "$c_attempt")
      log warn "request failed, retrying" "method=$c_method path=$c_path attempt=$((c_attempt + 1)) curl_exit=$c_rc wait_s=$c_wait"
      sleep "$c_wait"
      c_attempt=$((c_attempt + 1))
      continue
    fi
    RID=$(grep -i '^x-request-id:' "$tmp/headers" | head -n 1 | cut -d' ' -f2 | tr -d '\r')
    [ -n "$RID" ] || RID=$(field request_id "$tmp/body")
    CODE=$(field code "$tmp/body")
    case $STATUS in 2??) return 0 ;; 429|5??) ;; *) return 1 ;; esac
    [ $((c_attempt + 1)) -ge "$MAX_ATTEMPTS" ] && return 1
    c_wait=$(backoff "$c_attempt")
    [ "$STATUS" = 429 ] && c_wait=$(larger "$c_wait" "$(retry_after)")
    log warn retrying "method=$c_method path=$c_path status=$STATUS code=$CODE request_id=$RID wait_s=$c_wait"
    sleep "$c_wait"
    c_attempt=$((c_attempt + 1))
  done
  STATUS=0; CODE=transport_error; RID=
  return 1
}

work() {
  src=$1
  if ! call POST /v1/jobs "{\"video_url\":\"$src\",\"output_format\":\"$FORMAT\",\"auto_start\":false}" "$(new_key)"; then
    log_error "request failed" "source=$src status=$STATUS code=$CODE request_id=$RID"; return 1
  fi
  job=$(field id "$tmp/body")
  log info "job created" "job_id=$job request_id=$RID"
  if ! call POST "/v1/jobs/$job/start" "{\"model\":\"$MODEL\"}" "$(new_key)"; then
    log_error "request failed" "job_id=$job status=$STATUS code=$CODE request_id=$RID"; return 1
  fi
  log info "job started" "job_id=$job model=$MODEL output_format=$FORMAT request_id=$RID"
  deadline=$(($(date +%s) + JOB_TIMEOUT))
  while :; do
    # CLI-6: 1–1.5 s between reads, a deadline, and a stop at completed or failed.
    sleep "$(awk -v s="$(seed)" 'BEGIN { srand(s); printf "%.3f", 1 + rand() / 2 }')"
    if [ "$(date +%s)" -ge "$deadline" ]; then log_error "gave up waiting" "job_id=$job code=client_timeout"; return 1; fi
    if ! call GET "/v1/jobs/$job"; then
      log_error "request failed" "job_id=$job status=$STATUS code=$CODE request_id=$RID"; return 1
    fi
    case $(field status "$tmp/body") in
      completed) break ;;
      failed) log_error "job failed" "job_id=$job code=$(field code "$tmp/body")"; return 1 ;;
    esac
  done
  url=$(field output_url "$tmp/body")
  # The bug (CLI-7): the key goes along, and -L carries it to wherever the link redirects.
  dl=$(curl -sS -L -H @"$tmp/auth" -o "$tmp/output" -w '%{http_code}' --max-time "$REQUEST_TIMEOUT" "$url" 2>"$tmp/err") || dl=000
  case $dl in
    2??) log info "output downloaded" "job_id=$job bytes=$(wc -c < "$tmp/output" | tr -d ' ')" ;;
    *) log_error "download failed" "job_id=$job status=$dl code=$(field code "$tmp/output") request_id=$(field request_id "$tmp/output")"; return 1 ;;
  esac
}

failed=0
total=0
old_ifs=$IFS
IFS=,
set -- $JOBCERT_VIDEO_URLS
IFS=$old_ifs
for src in "$@"; do
  total=$((total + 1))
  work "$src" || failed=$((failed + 1))
done
log info done "jobs=$total failed=$failed"
[ "$failed" -eq 0 ]
