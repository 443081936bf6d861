"""Emulator state in SQLite (WAL) in the data directory, so a restarted emulator carries on where it stopped.

The server is single-threaded (one asyncio loop), so one connection in autocommit mode is enough; multi-statement
changes go through :meth:`Store.transaction`. Every SQL statement of the emulator lives in this module, one
named method per query, so the table layout can change without touching the route modules.
"""
import contextlib
import json
import sqlite3
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS providers (key TEXT PRIMARY KEY, namespace TEXT NOT NULL, state TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS groups (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS clusters (key TEXT PRIMARY KEY, group_key TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS extensions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT UNIQUE NOT NULL, cluster_key TEXT NOT NULL,
    doc TEXT NOT NULL, protected TEXT NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS extensions_by_cluster ON extensions (cluster_key, seq);
CREATE TABLE IF NOT EXISTS resources (key TEXT PRIMARY KEY, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS operations (key TEXT PRIMARY KEY, ext_key TEXT NOT NULL, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS planned_failures (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS planned_late_failures (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, doc TEXT NOT NULL);
"""

# Tables wiped by a reset; `meta` keeps the identity (tenant, secret, signing key) so logins stay valid.
STATE_TABLES = ('providers', 'groups', 'clusters', 'extensions', 'resources', 'operations', 'planned_failures',
                'planned_late_failures', 'requests')


def _under(column, prefixes):
    """A condition (and its arguments) for rows whose ``column`` starts with any of ``prefixes``."""
    clause = ' OR '.join(f'substr({column}, 1, ?) = ?' for _ in prefixes)
    return clause, [arg for prefix in prefixes for arg in (len(prefix), prefix)]


# One named method per query, by design (see above): the count grows with the queries.
class Store:  # pylint: disable=too-many-public-methods
    def __init__(self, data_dir):
        self.db = sqlite3.connect(str(Path(data_dir) / 'state.db'), isolation_level=None, check_same_thread=False)
        self.db.execute('PRAGMA journal_mode=WAL')
        self.db.execute('PRAGMA synchronous=NORMAL')
        self.db.executescript(SCHEMA)

    def close(self):
        self.db.close()

    @contextlib.contextmanager
    def transaction(self):
        self.db.execute('BEGIN IMMEDIATE')
        try:
            yield
        except BaseException:
            self.db.execute('ROLLBACK')
            raise
        self.db.execute('COMMIT')

    def wipe(self):
        with self.transaction():
            for table in STATE_TABLES:
                self.db.execute(f'DELETE FROM {table}')

    # meta: small settings and identity values, stored as JSON.
    def meta(self, key, default=None):
        row = self.db.execute('SELECT value FROM meta WHERE key=?', (key,)).fetchone()
        return json.loads(row[0]) if row else default

    def set_meta(self, key, value):
        self.db.execute('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)', (key, json.dumps(value)))

    # Resource provider registration, per namespace.
    def provider_state(self, namespace):
        row = self.db.execute('SELECT state FROM providers WHERE key=?', (namespace.lower(),)).fetchone()
        return row[0] if row else None

    def set_provider_state(self, namespace, state):
        self.db.execute('INSERT OR REPLACE INTO providers (key, namespace, state) VALUES (?, ?, ?)',
                        (namespace.lower(), namespace, state))

    # Keyed JSON documents: every resource table stores one document per lower-cased resource id.
    def get(self, table, key):
        row = self.db.execute(f'SELECT doc FROM {table} WHERE key=?', (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, table, key, doc, **columns):
        names = ['key', 'doc'] + list(columns)
        values = [key, json.dumps(doc)] + list(columns.values())
        sets = ', '.join(f'{name}=excluded.{name}' for name in names[1:])
        self.db.execute(f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
                        f"ON CONFLICT(key) DO UPDATE SET {sets}", values)

    def delete(self, table, key):
        self.db.execute(f'DELETE FROM {table} WHERE key=?', (key,))

    def docs(self, table, where='', args=()):
        sql = f'SELECT doc FROM {table} {where} ORDER BY key'
        return [json.loads(row[0]) for row in self.db.execute(sql, args)]

    # What lives under a resource id: keys are lower-cased ids, so a prefix of '<id>/' is everything below it.
    def resources_under(self, prefix):
        """The ARM documents stored under an ID prefix (not the emulator's own records kept beside them, such as a
        cluster's Kubernetes API access rules, which have no id)."""
        clause, args = _under('key', [prefix])
        return [doc for doc in self.docs('resources', 'WHERE ' + clause, args) if 'id' in doc]

    def delete_resources_under(self, prefix):
        clause, args = _under('key', [prefix])
        self.db.execute('DELETE FROM resources WHERE ' + clause, args)

    def delete_extensions_under(self, prefix):
        clause, args = _under('cluster_key', [prefix])
        self.db.execute('DELETE FROM extensions WHERE ' + clause, args)

    def delete_group_clusters(self, group_key):
        self.db.execute('DELETE FROM clusters WHERE group_key=?', (group_key,))

    def delete_cluster_extensions(self, cluster_key):
        self.db.execute('DELETE FROM extensions WHERE cluster_key=?', (cluster_key,))

    # Bulk seeding: rows of (key, [parent key,] doc), replacing any row of the same key.
    def add_groups(self, rows):
        self.db.executemany('INSERT OR REPLACE INTO groups (key, doc) VALUES (?, ?)',
                            [(key, json.dumps(doc)) for key, doc in rows])

    def add_clusters(self, rows):
        self.db.executemany('INSERT OR REPLACE INTO clusters (key, group_key, doc) VALUES (?, ?, ?)',
                            [(key, group_key, json.dumps(doc)) for key, group_key, doc in rows])

    def add_resources(self, rows):
        """Documents of the generic ``resources`` table (e.g. maintenance configurations), (key, doc) rows."""
        self.db.executemany('INSERT OR REPLACE INTO resources (key, doc) VALUES (?, ?)',
                            [(key, json.dumps(doc)) for key, doc in rows])

    def add_extensions(self, rows):
        """Extensions without protected settings."""
        self.db.executemany('INSERT OR REPLACE INTO extensions (key, cluster_key, doc, protected) VALUES (?, ?, ?, ?)',
                            [(key, cluster_key, json.dumps(doc), '{}') for key, cluster_key, doc in rows])

    # Reads across many extensions and clusters.
    def pending_operation_ids(self, cluster_key=None):
        """Ids of the operations extensions are waiting for: on one cluster, or on every cluster."""
        sql = ("SELECT json_extract(doc, '$.operation') FROM extensions "
               "WHERE json_extract(doc, '$.operation') IS NOT NULL")
        args = ()
        if cluster_key is not None:
            sql, args = sql + ' AND cluster_key=?', (cluster_key,)
        return [op_id for (op_id,) in self.db.execute(sql, args).fetchall()]

    def late_failure_keys(self, cluster_key=None):
        """Keys of the extensions that are to fail after they succeeded: on one cluster, or on every cluster."""
        sql = "SELECT key FROM extensions WHERE json_extract(doc, '$.lateFailure') IS NOT NULL"
        args = ()
        if cluster_key is not None:
            sql, args = sql + ' AND cluster_key=?', (cluster_key,)
        return [key for (key,) in self.db.execute(sql, args).fetchall()]

    def clusters_under(self, prefixes):
        """Cluster documents whose key starts with any of ``prefixes``, by key."""
        clause, args = _under('key', prefixes)
        return self.docs('clusters', 'WHERE ' + clause, args)

    def extensions_under(self, prefixes):
        """(cluster key, extension document) for extensions whose key starts with any of ``prefixes``, by key."""
        clause, args = _under('key', prefixes)
        return [(cluster_key, json.loads(doc)) for cluster_key, doc in self.db.execute(
            f'SELECT cluster_key, doc FROM extensions WHERE {clause} ORDER BY key', args)]

    # Extensions keep their protected settings in a separate column so no rendering path can pick them up.
    def protected_settings(self, key):
        row = self.db.execute('SELECT protected FROM extensions WHERE key=?', (key,)).fetchone()
        return json.loads(row[0]) if row else {}

    def extension_page(self, cluster_key, skip, limit):
        rows = self.db.execute('SELECT doc FROM extensions WHERE cluster_key=? ORDER BY seq LIMIT ? OFFSET ?',
                               (cluster_key, limit + 1, skip)).fetchall()
        docs = [json.loads(row[0]) for row in rows]
        return docs[:limit], len(docs) > limit

    # Append-only logs.
    def append(self, table, doc):
        return self.db.execute(f'INSERT INTO {table} (doc) VALUES (?)', (json.dumps(doc),)).lastrowid

    def log_entries(self, table):
        return [dict(json.loads(doc), seq=seq)
                for seq, doc in self.db.execute(f'SELECT seq, doc FROM {table} ORDER BY seq')]

    def pop_first(self, table, match):
        """Remove and return the first logged document for which ``match(doc)`` is true."""
        for seq, doc in self.db.execute(f'SELECT seq, doc FROM {table} ORDER BY seq').fetchall():
            doc = json.loads(doc)
            if match(doc):
                self.db.execute(f'DELETE FROM {table} WHERE seq=?', (seq,))
                return doc
        return None

    def clear(self, table):
        self.db.execute(f'DELETE FROM {table}')
