/* speedups.h: what the parts of _mamori_speedups share (Apache-2.0, part of Mamori).
 *
 * Compiled line parsers for the two hottest log formats: access.c (access lines), syslog.c
 * (RFC 3164 syslog lines), authlog.c (the usual authentication messages in them), module.c
 * (the parser type and the module), columns.c (loops of the matching path: a field of many
 * events, the fields an event keeps, the text an automaton searches, its hits to events), pack.c
 * (what a worker keeps of its matches, and the parent's rebuilding of them).
 *
 * Each parser here does, for one line, exactly what the pure-Python parser of the same name in
 * mamori.analysers.logs.ingest does (webaccess.WebAccessFormat, syslog.SyslogFormat): the
 * regular expressions are matched by hand with the same semantics (Python's str patterns:
 * \d is any Unicode decimal, \s any Unicode white space, \w alphanumeric or '_'), and every
 * rare or stateful step (year inference, PRI fields, the authentication extractors, memo
 * misses) calls back into the Python functions the pure parser uses, which the caller passes
 * in. The Python parsers stay the reference: tests feed both the same lines, generated to hit
 * every branch of the patterns, and require equal events.
 */
#ifndef MAMORI_SPEEDUPS_H
#define MAMORI_SPEEDUPS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* ---- character classes, as Python's sre defines them for str patterns ---- */

#define IS_DIGIT(c) Py_UNICODE_ISDECIMAL(c)
#define IS_SPACE(c) Py_UNICODE_ISSPACE(c)
#define IS_WORD(c) (Py_UNICODE_ISALNUM(c) || (c) == '_')
#define IS_HEX(c) (((c) >= '0' && (c) <= '9') || ((c) >= 'a' && (c) <= 'f') || ((c) >= 'A' && (c) <= 'F'))
#define IS_IP1(c) (IS_HEX(c) || (c) == ':' || (c) == '.')

typedef struct {
    int kind;
    const void *data;
    Py_ssize_t len;
} Text;

#define AT(t, i) PyUnicode_READ((t)->kind, (t)->data, (i))

typedef struct {
    Py_ssize_t start, end; /* end < 0: the group did not take part */
} Span;

static const Span NONE = {0, -1};

/* A dict with room for an event's fields (a dozen at most on these formats) without growing. */
#define NEW_FIELDS() _PyDict_NewPresized(12)

static inline Py_ssize_t
run_nonspace(const Text *t, Py_ssize_t i)
{
    while (i < t->len && !IS_SPACE(AT(t, i)))
        i++;
    return i;
}

static inline Py_ssize_t
run_digits(const Text *t, Py_ssize_t i)
{
    while (i < t->len && IS_DIGIT(AT(t, i)))
        i++;
    return i;
}

static inline int
char_at(const Text *t, Py_ssize_t i, Py_UCS4 c)
{
    return i < t->len && AT(t, i) == c;
}

/* Whether the ASCII text `lit` is at position i. */
static inline int
literal_at(const Text *t, Py_ssize_t i, const char *lit)
{
    for (; *lit; lit++, i++)
        if (i >= t->len || AT(t, i) != (Py_UCS4)(unsigned char)*lit)
            return 0;
    return 1;
}

/* "\S+ " at i: the run's end (the space's position), or -1. */
static inline Py_ssize_t
word_then_space(const Text *t, Py_ssize_t i)
{
    Py_ssize_t j = run_nonspace(t, i);
    return (j > i && char_at(t, j, ' ')) ? j : -1;
}

static inline int
literal_in(const Text *t, Py_ssize_t i, const char *lit, Py_ssize_t end)
{
    return i + (Py_ssize_t)strlen(lit) <= end && literal_at(t, i, lit);
}

static inline Py_ssize_t
find_literal(const Text *t, Py_ssize_t from, const char *lit)
{
    for (Py_ssize_t i = from; i < t->len; i++)
        if (literal_at(t, i, lit))
            return i;
    return -1;
}

static inline int
add(PyObject *fields, PyObject *key, PyObject *value)
{
    return PyDict_SetItem(fields, key, value);
}

/* ---- shared helpers ---- */

static inline PyObject *
sub(PyObject *line, Span s)
{
    if (s.end < 0)
        Py_RETURN_NONE;
    return PyUnicode_Substring(line, s.start, s.end);
}

static inline int
set_span(PyObject *fields, PyObject *key, PyObject *line, Span s)
{
    PyObject *value = PyUnicode_Substring(line, s.start, s.end);
    if (value == NULL)
        return -1;
    int rc = PyDict_SetItem(fields, key, value);
    Py_DECREF(value);
    return rc;
}

/* A LogEvent (a named tuple: built as tuple.__new__ builds a tuple subclass). Steals ts and
 * fields. */
static inline PyObject *
new_event(PyTypeObject *type, PyObject *display, PyObject *position, PyObject *ts,
          PyObject *logsource, PyObject *fields, PyObject *line)
{
    if (ts == NULL || fields == NULL) {
        Py_XDECREF(ts);
        Py_XDECREF(fields);
        return NULL;
    }
    PyObject *event = type->tp_alloc(type, 6);
    if (event == NULL) {
        Py_DECREF(ts);
        Py_DECREF(fields);
        return NULL;
    }
    Py_INCREF(display);
    Py_INCREF(position);
    Py_INCREF(logsource);
    Py_INCREF(line);
    PyTuple_SET_ITEM(event, 0, display);
    PyTuple_SET_ITEM(event, 1, position);
    PyTuple_SET_ITEM(event, 2, ts);
    PyTuple_SET_ITEM(event, 3, logsource);
    PyTuple_SET_ITEM(event, 4, fields);
    PyTuple_SET_ITEM(event, 5, line);
    return event;
}

static inline int
text_of(PyObject *line, Text *t)
{
    if (!PyUnicode_Check(line)) {
        PyErr_SetString(PyExc_TypeError, "a line must be str");
        return -1;
    }
    if (PyUnicode_READY(line) < 0)
        return -1;
    t->kind = PyUnicode_KIND(line);
    t->data = PyUnicode_DATA(line);
    t->len = PyUnicode_GET_LENGTH(line);
    return 0;
}

/* Interned field names. */
extern PyObject *K_CIP, *K_STATUS, *K_BYTES, *K_USERNAME, *K_HOST_HDR, *K_REFERER, *K_AGENT,
    *K_HOST, *K_PROGRAM, *K_PID, *K_MESSAGE, *K_USER, *K_SRC_IP, *K_SRC_PORT, *K_METHOD,
    *K_OUTCOME, *K_INVALID, *V_DASH, *V_SUCCESS, *V_FAILURE, *V_TRUE, *V_EMPTY, *V_PAM,
    *V_INVALID_USER, *K_METHOD_HTTP, *K_VERSION, *K_URI, *K_DECODED, *K_STEM, *K_QUERY,
    *K_CSQUERY, *K_PAM_SERVICE, *K_ACTION, *K_RUSER, *V_OPENED, *V_CLOSED, *K_GET, *K_REDUCE;

/* ---- the parser object: a callable (line, position) -> LogEvent | None ---- */

enum { ACCESS, SYSLOG };

#define VALUE_SLOTS 512   /* field values a parser remembers (a power of two) */
#define VALUE_LONGEST 64  /* longer values are not remembered */

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    int format;
    PyTypeObject *event_type;
    PyObject *display, *logsource;
    /* access */
    PyObject *decoded, *decode, *minutes, *seconds, *clf_time;
    /* syslog */
    PyObject *structured, *bsd_time, *pri_fields, *by_program, *pam, *sources, *source_get;
    PyObject *sshd_handler, *pam_only_handler; /* authlog's, done in C (see extract_fast) */
    PyObject *bsd_minutes;          /* the Python stamp cache's minutes (see stamp_time) */
    PyObject *last_stamp, *last_ts; /* bsd_time's last answer */
    PyObject *values[VALUE_SLOTS];  /* recent field values (see repeated) */
} Parser;

/* A field's value as str, from the span s of text: when the value is short ASCII, the same str
 * object as last time it was read (by any parser field) if it is still remembered, so a value
 * that repeats (a host, a program, a user agent) is made and hashed once, not once a line. */
static inline PyObject *
repeated(Parser *p, PyObject *text, Span s)
{
    Py_ssize_t n = s.end - s.start;
    if (n <= 0 || n > VALUE_LONGEST || !PyUnicode_IS_ASCII(text))
        return PyUnicode_Substring(text, s.start, s.end);
    const Py_UCS1 *d = PyUnicode_1BYTE_DATA(text) + s.start;
    uint32_t h = 2166136261u; /* FNV-1a */
    for (Py_ssize_t i = 0; i < n; i++)
        h = (h ^ d[i]) * 16777619u;
    PyObject **slot = &p->values[h & (VALUE_SLOTS - 1)], *value = *slot;
    if (value != NULL && PyUnicode_GET_LENGTH(value) == n
        && memcmp(PyUnicode_1BYTE_DATA(value), d, (size_t)n) == 0) {
        Py_INCREF(value);
        return value;
    }
    value = PyUnicode_Substring(text, s.start, s.end); /* ASCII, as text is */
    if (value == NULL)
        return NULL;
    Py_INCREF(value);
    Py_XSETREF(*slot, value);
    return value;
}

/* set_span, through repeated(). */
static inline int
set_repeated(Parser *p, PyObject *fields, PyObject *key, PyObject *text, Span s)
{
    PyObject *value = repeated(p, text, s);
    if (value == NULL)
        return -1;
    int rc = PyDict_SetItem(fields, key, value);
    Py_DECREF(value);
    return rc;
}

/* access.c */
PyObject *parse_access(Parser *p, PyObject *line, PyObject *position);
/* syslog.c */
PyObject *parse_syslog(Parser *p, PyObject *line, PyObject *position);
/* authlog.c */
int extract_fast(Parser *p, PyObject *handler, PyObject *fields, PyObject *line, Span msg,
                 PyObject *message);
/* columns.c */
PyObject *columns_column(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *columns_kept(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *columns_mark(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *columns_lowered(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
/* pack.c */
PyObject *pack_matches(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
PyObject *pack_unpack(PyObject *module, PyObject *const *args, Py_ssize_t nargs);
int pack_init(void);

#endif
