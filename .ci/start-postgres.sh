# Sourced by .ci/run (and usable by developers): start a throw-away PostgreSQL cluster on loopback
# and export CARTATLAS_TEST_PG_URL for the tests that need a real server.
pgver=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pgbin=/usr/lib/postgresql/$pgver/bin
pgdata=${CARTATLAS_PGDATA:-/tmp/cartatlas-pg}
pgport=${CARTATLAS_PGPORT:-55432}
if ! su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdata status" >/dev/null 2>&1; then
  rm -rf "$pgdata" && mkdir -p "$pgdata" && chown postgres "$pgdata"
  su postgres -s /bin/sh -c "$pgbin/initdb -D $pgdata -A trust -U postgres" >/dev/null
  su postgres -s /bin/sh -c "$pgbin/pg_ctl -D $pgdata -o '-p $pgport -k /tmp -c listen_addresses=127.0.0.1' -l $pgdata/log -w start" >/dev/null
fi
export CARTATLAS_TEST_PG_URL="postgresql://postgres@127.0.0.1:$pgport/postgres"
