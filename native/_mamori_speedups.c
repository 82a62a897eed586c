/* Compiled line parsers for the two hottest log formats (Apache-2.0, part of Mamori).
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
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stddef.h>
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

static Py_ssize_t
run_nonspace(const Text *t, Py_ssize_t i)
{
    while (i < t->len && !IS_SPACE(AT(t, i)))
        i++;
    return i;
}

static Py_ssize_t
run_digits(const Text *t, Py_ssize_t i)
{
    while (i < t->len && IS_DIGIT(AT(t, i)))
        i++;
    return i;
}

static int
char_at(const Text *t, Py_ssize_t i, Py_UCS4 c)
{
    return i < t->len && AT(t, i) == c;
}

/* Whether the ASCII text `lit` is at position i. */
static int
literal_at(const Text *t, Py_ssize_t i, const char *lit)
{
    for (; *lit; lit++, i++)
        if (i >= t->len || AT(t, i) != (Py_UCS4)(unsigned char)*lit)
            return 0;
    return 1;
}

/* "\S+ " at i: the run's end (the space's position), or -1. */
static Py_ssize_t
word_then_space(const Text *t, Py_ssize_t i)
{
    Py_ssize_t j = run_nonspace(t, i);
    return (j > i && char_at(t, j, ' ')) ? j : -1;
}

/* ---- access lines: webaccess._ACCESS ----
 *   ^(?:(?P<vhost>[^\s:]+:\d+) )?(?P<ip>\S+) \S+ (?P<user>\S+) \[(?P<time>[^\]]+)\]
 *   "Q" (?P<status>\d{3}|-) (?P<bytes>\d+|-)(?: "Q" "Q")?
 * with Q = ([^"\\]*+(?:\\.[^"\\]*+)*+) (possessive, so a quoted string has one reading). */

enum { A_VHOST, A_IP, A_USER, A_TIME, A_REQUEST, A_STATUS, A_BYTES, A_REFERER, A_AGENT, A_GROUPS };

/* The quoted string whose opening quote is at i: its inside in *out; the position after the
 * closing quote, or -1. */
static Py_ssize_t
quoted(const Text *t, Py_ssize_t i, Span *out)
{
    if (!char_at(t, i, '"'))
        return -1;
    Py_ssize_t j = i + 1;
    for (;;) {
        if (j >= t->len)
            return -1;
        Py_UCS4 c = AT(t, j);
        if (c == '"')
            break;
        if (c == '\\') {
            if (j + 1 >= t->len || AT(t, j + 1) == '\n')
                return -1;
            j += 2;
        }
        else
            j++;
    }
    out->start = i + 1;
    out->end = j;
    return j + 1;
}

/* Everything after the optional vhost, from i. */
static int
access_rest(const Text *t, Py_ssize_t i, Span *g)
{
    Py_ssize_t j;
    if ((j = word_then_space(t, i)) < 0)
        return 0;
    g[A_IP] = (Span){i, j};
    if ((j = word_then_space(t, i = j + 1)) < 0) /* ident */
        return 0;
    if ((j = word_then_space(t, i = j + 1)) < 0)
        return 0;
    g[A_USER] = (Span){i, j};
    i = j + 1;
    if (!char_at(t, i, '['))
        return 0;
    j = ++i;
    while (j < t->len && AT(t, j) != ']')
        j++;
    if (j == i || j >= t->len || !char_at(t, j + 1, ' '))
        return 0;
    g[A_TIME] = (Span){i, j};
    if ((i = quoted(t, j + 2, &g[A_REQUEST])) < 0 || !char_at(t, i, ' '))
        return 0;
    i++;
    if (char_at(t, i, '-'))
        j = i + 1;
    else if (run_digits(t, i) - i >= 3)
        j = i + 3;
    else
        return 0;
    if (!char_at(t, j, ' '))
        return 0;
    g[A_STATUS] = (Span){i, j};
    i = j + 1;
    if (char_at(t, i, '-'))
        j = i + 1;
    else if ((j = run_digits(t, i)) == i)
        return 0;
    g[A_BYTES] = (Span){i, j};
    Span referer, agent;
    if (char_at(t, j, ' ') && (i = quoted(t, j + 1, &referer)) >= 0 && char_at(t, i, ' ')
        && quoted(t, i + 1, &agent) >= 0) {
        g[A_REFERER] = referer;
        g[A_AGENT] = agent;
    }
    else
        g[A_REFERER] = g[A_AGENT] = NONE;
    return 1;
}

static int
access_match(const Text *t, Span *g)
{
    Py_ssize_t i = 0;
    while (i < t->len) {
        Py_UCS4 c = AT(t, i);
        if (c == ':' || IS_SPACE(c))
            break;
        i++;
    }
    if (i > 0 && char_at(t, i, ':')) {
        Py_ssize_t j = run_digits(t, i + 1);
        if (j > i + 1 && char_at(t, j, ' ') && access_rest(t, j + 1, g)) {
            g[A_VHOST] = (Span){0, j};
            return 1;
        }
    }
    g[A_VHOST] = NONE;
    return access_rest(t, 0, g);
}

/* ---- syslog RFC 3164 lines: syslog._BSD_SSHD ----
 *   ^(?:<(?P<pri>\d{1,3})>)?(?P<stamp>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d)(?:\.\d+)? (?P<host>\S+)
 *   then either the sshd log-in verdict
 *     (?P<sprog>sshd(?:-session)?)(?:\[(?P<spid>\d+)\])?: ?(?P<smsg>(?-s:SSHD_AUTH).*)
 *   or the general tag  (?:(?P<prog>[^\s\[:]{1,64})(?:\[(?P<pid>\d+)\])?: ?)?(?P<msg>.*)
 * with SSHD_AUTH = (Accepted|Failed|Postponed) (\S+) for (?:invalid user )?(.*?) from IP
 *   port (\d+), IP = ([0-9A-Fa-f:.]+[0-9A-Fa-f]|[\w.-]+). */

enum {
    S_PRI, S_STAMP, S_HOST, S_SPROG, S_SPID, S_SMSG, S_VERB, S_METHOD, S_USER, S_IP, S_PORT,
    S_PROG, S_PID, S_MSG, S_GROUPS
};

static int
header(const Text *t, Span *g, Py_ssize_t *after)
{
    Py_ssize_t i = 0;
    g[S_PRI] = NONE;
    if (char_at(t, 0, '<')) {
        Py_ssize_t j = run_digits(t, 1);
        if (j > 1 && j <= 4 && char_at(t, j, '>')) {
            g[S_PRI] = (Span){1, j};
            i = j + 1;
        }
        else
            return 0; /* '<' cannot start a stamp */
    }
    if (i + 15 > t->len)
        return 0;
    Py_UCS4 c0 = AT(t, i), c1 = AT(t, i + 1), c2 = AT(t, i + 2), c5 = AT(t, i + 4);
    if (!(c0 >= 'A' && c0 <= 'Z') || !(c1 >= 'a' && c1 <= 'z') || !(c2 >= 'a' && c2 <= 'z'))
        return 0;
    if (AT(t, i + 3) != ' ' || !(c5 == ' ' || IS_DIGIT(c5)) || !IS_DIGIT(AT(t, i + 5))
        || AT(t, i + 6) != ' ' || !IS_DIGIT(AT(t, i + 7)) || !IS_DIGIT(AT(t, i + 8))
        || AT(t, i + 9) != ':' || !IS_DIGIT(AT(t, i + 10)) || !IS_DIGIT(AT(t, i + 11))
        || AT(t, i + 12) != ':' || !IS_DIGIT(AT(t, i + 13)) || !IS_DIGIT(AT(t, i + 14)))
        return 0;
    g[S_STAMP] = (Span){i, i + 15};
    i += 15;
    if (char_at(t, i, '.')) {
        Py_ssize_t j = run_digits(t, i + 1);
        if (j == i + 1)
            return 0;
        i = j;
    }
    if (!char_at(t, i, ' '))
        return 0;
    Py_ssize_t j = word_then_space(t, ++i);
    if (j < 0)
        return 0;
    g[S_HOST] = (Span){i, j};
    *after = j + 1;
    return 1;
}

/* " from IP port N" at u (the end of a candidate user): sets ip and port, or returns 0. */
static int
from_ip_port(const Text *t, Py_ssize_t u, Span *g)
{
    if (!literal_at(t, u, " from "))
        return 0;
    Py_ssize_t s = u + 6, e = s;
    while (e < t->len && IS_IP1(AT(t, e)))
        e++;
    int ok = e - s >= 2 && IS_HEX(AT(t, e - 1)) && literal_at(t, e, " port ")
             && e + 6 < t->len && IS_DIGIT(AT(t, e + 6));
    if (!ok) {
        e = s;
        while (e < t->len) {
            Py_UCS4 c = AT(t, e);
            if (!(IS_WORD(c) || c == '.' || c == '-'))
                break;
            e++;
        }
        ok = e > s && literal_at(t, e, " port ") && e + 6 < t->len && IS_DIGIT(AT(t, e + 6));
    }
    if (!ok)
        return 0;
    g[S_IP] = (Span){s, e};
    g[S_PORT] = (Span){e + 6, run_digits(t, e + 6)};
    return 1;
}

/* The lazy user (.*?) from `start` (no newline in it), then from_ip_port. */
static int
lazy_user(const Text *t, Py_ssize_t start, Span *g)
{
    for (Py_ssize_t u = start;; u++) {
        if (from_ip_port(t, u, g)) {
            g[S_USER] = (Span){start, u};
            return 1;
        }
        if (u >= t->len || AT(t, u) == '\n')
            return 0;
    }
}

static int
sshd_branch(const Text *t, Py_ssize_t i, Span *g)
{
    if (!literal_at(t, i, "sshd"))
        return 0;
    Py_ssize_t j = i + 4;
    if (literal_at(t, j, "-session"))
        j += 8;
    g[S_SPROG] = (Span){i, j};
    g[S_SPID] = NONE;
    if (char_at(t, j, '[')) {
        Py_ssize_t k = run_digits(t, j + 1);
        if (k == j + 1 || !char_at(t, k, ']'))
            return 0;
        g[S_SPID] = (Span){j + 1, k};
        j = k + 1;
    }
    if (!char_at(t, j, ':'))
        return 0;
    j++;
    if (char_at(t, j, ' '))
        j++;
    Py_ssize_t m = j;
    if (literal_at(t, j, "Accepted "))
        j += 8;
    else if (literal_at(t, j, "Failed "))
        j += 6;
    else if (literal_at(t, j, "Postponed "))
        j += 9;
    else
        return 0;
    g[S_VERB] = (Span){m, j};
    Py_ssize_t k = word_then_space(t, ++j);
    if (k < 0 || !literal_at(t, k, " for "))
        return 0;
    g[S_METHOD] = (Span){j, k};
    k += 5;
    if (!((literal_at(t, k, "invalid user ") && lazy_user(t, k + 13, g)) || lazy_user(t, k, g)))
        return 0;
    g[S_SMSG] = (Span){m, t->len};
    return 1;
}

static void
tag_branch(const Text *t, Py_ssize_t i, Span *g)
{
    g[S_PROG] = g[S_PID] = NONE;
    Py_ssize_t j = i;
    while (j < t->len) {
        Py_UCS4 c = AT(t, j);
        if (c == '[' || c == ':' || IS_SPACE(c))
            break;
        j++;
    }
    Py_ssize_t msg = i;
    if (j > i && j - i <= 64) {
        Py_ssize_t k = j;
        Span pid = NONE;
        if (char_at(t, k, '[')) {
            Py_ssize_t d = run_digits(t, k + 1);
            if (d > k + 1 && char_at(t, d, ']')) {
                pid = (Span){k + 1, d};
                k = d + 1;
            }
        }
        if (char_at(t, k, ':')) {
            g[S_PROG] = (Span){i, j};
            g[S_PID] = pid;
            msg = char_at(t, k + 1, ' ') ? k + 2 : k + 1;
        }
    }
    g[S_MSG] = (Span){msg, t->len};
}

/* 1: a verdict (sshd groups set), 2: a general line (tag groups set), 0: no match. */
static int
bsd_match(const Text *t, Span *g)
{
    Py_ssize_t i;
    if (!header(t, g, &i))
        return 0;
    if (sshd_branch(t, i, g))
        return 1;
    tag_branch(t, i, g);
    return 2;
}

/* ---- shared helpers ---- */

static PyObject *
sub(PyObject *line, Span s)
{
    if (s.end < 0)
        Py_RETURN_NONE;
    return PyUnicode_Substring(line, s.start, s.end);
}

static int
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
static PyObject *
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

static int
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
static PyObject *K_CIP, *K_STATUS, *K_BYTES, *K_USERNAME, *K_HOST_HDR, *K_REFERER, *K_AGENT,
    *K_HOST, *K_PROGRAM, *K_PID, *K_MESSAGE, *K_USER, *K_SRC_IP, *K_SRC_PORT, *K_METHOD,
    *K_OUTCOME, *K_INVALID, *V_DASH, *V_SUCCESS, *V_FAILURE, *V_TRUE, *V_EMPTY, *V_PAM,
    *V_INVALID_USER, *K_METHOD_HTTP, *K_VERSION, *K_URI, *K_DECODED, *K_STEM, *K_QUERY,
    *K_CSQUERY, *K_PAM_SERVICE, *K_ACTION, *K_RUSER, *V_OPENED, *V_CLOSED;

/* ---- the parser object: a callable (line, position) -> LogEvent | None ---- */

enum { ACCESS, SYSLOG };

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
} Parser;

static PyObject *
clf_time(Parser *p, PyObject *line, Span s)
{
    /* webaccess.parse_clf_time's fast path: the minute's start (remembered by text[:17] +
     * text[20:]) plus the seconds; anything else is left to the function itself. */
    PyObject *text = sub(line, s), *a = NULL, *b = NULL, *key = NULL, *result = NULL;
    if (text == NULL)
        return NULL;
    Py_ssize_t n = s.end - s.start;
    if (n < 20)
        goto slow;
    if ((a = PyUnicode_Substring(text, 0, 17)) == NULL || (b = PyUnicode_Substring(text, 20, n)) == NULL
        || (key = PyUnicode_Concat(a, b)) == NULL)
        goto done;
    PyObject *start = PyDict_GetItemWithError(p->minutes, key);
    if (start == NULL) {
        if (PyErr_Occurred())
            goto done;
        goto slow;
    }
    Py_XDECREF(a);
    a = PyUnicode_Substring(text, 18, 20);
    if (a == NULL)
        goto done;
    PyObject *seconds = PyDict_GetItemWithError(p->seconds, a);
    if (seconds == NULL) {
        if (PyErr_Occurred())
            goto done;
        goto slow;
    }
    result = PyNumber_Add(start, seconds);
    goto done;
slow:
    result = PyObject_CallOneArg(p->clf_time, text);
done:
    Py_XDECREF(a);
    Py_XDECREF(b);
    Py_XDECREF(key);
    Py_DECREF(text);
    return result;
}

/* webaccess._split_request: the request line's fields, added to `fields` in the order the
 * Python parser adds them. decoded_target runs in Python when the target has anything to
 * decode ('%', '+' or a SQL comment opener), remembered in `decoded`. */
static int
request_fields(Parser *p, PyObject *fields, PyObject *line, Span r)
{
    Text t;
    if (text_of(line, &t) < 0)
        return -1;
    Py_ssize_t spaces[3], n = 0;
    for (Py_ssize_t i = r.start; i < r.end && n < 3; i++)
        if (AT(&t, i) == ' ')
            spaces[n++] = i;
    Span target = r;
    if (n == 2 && spaces[0] > r.start) {
        int alpha = 1;
        for (Py_ssize_t i = r.start; i < spaces[0] && alpha; i++)
            alpha = Py_UNICODE_ISALPHA(AT(&t, i));
        if (alpha) {
            if (set_span(fields, K_METHOD_HTTP, line, (Span){r.start, spaces[0]}) < 0
                || set_span(fields, K_VERSION, line, (Span){spaces[1] + 1, r.end}) < 0)
                return -1;
            target = (Span){spaces[0] + 1, spaces[1]};
        }
    }
    PyObject *uri = sub(line, target), *decoded = NULL;
    if (uri == NULL)
        return -1;
    int encoded = 0, rc = -1;
    Py_ssize_t query = -1;
    for (Py_ssize_t i = target.start; i < target.end; i++) {
        Py_UCS4 c = AT(&t, i);
        if (c == '%' || c == '+' || (c == '/' && i + 1 < target.end && AT(&t, i + 1) == '*'))
            encoded = 1;
        else if (c == '?' && query < 0)
            query = i;
    }
    if (!encoded) {
        decoded = uri;
        Py_INCREF(decoded);
    }
    else if ((decoded = PyDict_GetItemWithError(p->decoded, uri)) != NULL)
        Py_INCREF(decoded);
    else {
        if (PyErr_Occurred() || (decoded = PyObject_CallOneArg(p->decode, uri)) == NULL)
            goto done;
        if (PyDict_GET_SIZE(p->decoded) >= 4096)
            PyDict_Clear(p->decoded);
        if (PyDict_SetItem(p->decoded, uri, decoded) < 0)
            goto done;
    }
    if (PyDict_SetItem(fields, K_URI, uri) < 0 || PyDict_SetItem(fields, K_DECODED, decoded) < 0)
        goto done;
    if (query < 0)
        rc = PyDict_SetItem(fields, K_STEM, uri);
    else {
        PyObject *q = NULL;
        rc = (set_span(fields, K_STEM, line, (Span){target.start, query}) < 0
              || (q = sub(line, (Span){query + 1, target.end})) == NULL
              || PyDict_SetItem(fields, K_QUERY, q) < 0 || PyDict_SetItem(fields, K_CSQUERY, q) < 0)
                 ? -1 : 0;
        Py_XDECREF(q);
    }
done:
    Py_DECREF(uri);
    Py_XDECREF(decoded);
    return rc;
}

static PyObject *
parse_access(Parser *p, PyObject *line, PyObject *position)
{
    Text t;
    Span g[A_GROUPS];
    if (text_of(line, &t) < 0)
        return NULL;
    if (!access_match(&t, g))
        Py_RETURN_NONE;
    PyObject *fields = NEW_FIELDS();
    if (fields == NULL || set_span(fields, K_CIP, line, g[A_IP]) < 0
        || set_span(fields, K_STATUS, line, g[A_STATUS]) < 0
        || set_span(fields, K_BYTES, line, g[A_BYTES]) < 0)
        goto fail;
    Span user = g[A_USER];
    if (!(user.end - user.start == 1 && AT(&t, user.start) == '-')
        && set_span(fields, K_USERNAME, line, user) < 0)
        goto fail;
    if (g[A_VHOST].end >= 0 && set_span(fields, K_HOST_HDR, line, g[A_VHOST]) < 0)
        goto fail;
    if (request_fields(p, fields, line, g[A_REQUEST]) < 0)
        goto fail;
    if (g[A_REFERER].end >= 0 && (set_span(fields, K_REFERER, line, g[A_REFERER]) < 0
                                  || set_span(fields, K_AGENT, line, g[A_AGENT]) < 0))
        goto fail;
    return new_event(p->event_type, p->display, position, clf_time(p, line, g[A_TIME]),
                     p->logsource, fields, line);
fail:
    Py_XDECREF(fields);
    return NULL;
}

/* The fields a header starts with: PRI's (through Python), or none. */
static PyObject *
pri_start(Parser *p, PyObject *line, Span pri)
{
    if (pri.end < 0)
        return NEW_FIELDS();
    PyObject *text = sub(line, pri);
    if (text == NULL)
        return NULL;
    PyObject *fields = PyObject_CallOneArg(p->pri_fields, text);
    Py_DECREF(text);
    if (fields != NULL && !PyDict_CheckExact(fields)) {
        Py_DECREF(fields);
        PyErr_SetString(PyExc_TypeError, "PRI fields must be a dict");
        return NULL;
    }
    return fields;
}

/* syslog's _sshd_auth_fields: the fields of a verdict line, in the general path's order. */
static PyObject *
verdict_fields(Parser *p, PyObject *line, const Text *t, Span *g)
{
    PyObject *fields = pri_start(p, line, g[S_PRI]);
    if (fields == NULL)
        return NULL;
    if (set_span(fields, K_HOST, line, g[S_HOST]) < 0
        || set_span(fields, K_PROGRAM, line, g[S_SPROG]) < 0
        || (g[S_SPID].end >= 0 && set_span(fields, K_PID, line, g[S_SPID]) < 0)
        || set_span(fields, K_MESSAGE, line, g[S_SMSG]) < 0
        || set_span(fields, K_USER, line, g[S_USER]) < 0
        || set_span(fields, K_SRC_IP, line, g[S_IP]) < 0
        || set_span(fields, K_SRC_PORT, line, g[S_PORT]) < 0
        || set_span(fields, K_METHOD, line, g[S_METHOD]) < 0)
        goto fail;
    int accepted = AT(t, g[S_VERB].start) == 'A';
    if (PyDict_SetItem(fields, K_OUTCOME, accepted ? V_SUCCESS : V_FAILURE) < 0)
        goto fail;
    Py_ssize_t found = PyUnicode_Find(line, V_INVALID_USER, g[S_SMSG].start, g[S_PORT].end, 1);
    if (found == -2 || (found >= 0 && PyDict_SetItem(fields, K_INVALID, V_TRUE) < 0))
        goto fail;
    return fields;
fail:
    Py_DECREF(fields);
    return NULL;
}

/* ---- authlog's extractors, for the usual messages ----
 * Each returns 1 when it has added exactly the fields the Python extractor would, or -1 to
 * leave the message to it — always decided before touching the fields. Positions are within
 * the message (a view of the line from the message's start, so lookbehinds stop there). */

static int
literal_in(const Text *t, Py_ssize_t i, const char *lit, Py_ssize_t end)
{
    return i + (Py_ssize_t)strlen(lit) <= end && literal_at(t, i, lit);
}

static Py_ssize_t
find_literal(const Text *t, Py_ssize_t from, const char *lit)
{
    for (Py_ssize_t i = from; i < t->len; i++)
        if (literal_at(t, i, lit))
            return i;
    return -1;
}

static int
add(PyObject *fields, PyObject *key, PyObject *value)
{
    return PyDict_SetItem(fields, key, value);
}

/* authlog._pam for session lines (pam_unix(svc:kind): session opened/closed for user U [by
 * R(uid=N)]) and other texts it only names the service of; -1 for authentication failures,
 * password changes, and anything _PAM might read differently (a newline anywhere). */
static int
pam_fast(PyObject *fields, PyObject *message, const Text *m)
{
    for (Py_ssize_t i = 0; i < m->len; i++)
        if (AT(m, i) == '\n')
            return -1;
    if (!literal_at(m, 0, "pam_unix("))
        return -1;
    Py_ssize_t i = 9, j = 9;
    while (j < m->len && (IS_WORD(AT(m, j)) || AT(m, j) == '-'))
        j++;
    if (j == i || !char_at(m, j, ':'))
        return -1;
    Py_ssize_t k = j + 1;
    while (k < m->len && IS_WORD(AT(m, k)))
        k++;
    if (k == j + 1 || !literal_at(m, k, "): "))
        return -1;
    Py_ssize_t text = k + 3;
    if (find_literal(m, text, "authentication failure") >= 0)
        return -1;
    Span user = NONE, by = NONE;
    int opened = 0;
    for (Py_ssize_t p = text; p < m->len && user.end < 0; p++) {
        int o = literal_at(m, p, "session opened for user ");
        if (!o && !literal_at(m, p, "session closed for user "))
            continue;
        Py_ssize_t u = p + 24, e = u;
        while (e < m->len && AT(m, e) != '(' && !IS_SPACE(AT(m, e)))
            e++;
        if (e > u) {
            user = (Span){u, e};
            opened = o;
        }
    }
    if (user.end < 0 && find_literal(m, text, "password changed for ") >= 0)
        return -1;
    if (user.end >= 0)
        for (Py_ssize_t p = text; p < m->len && by.end < 0; p++) {
            if (!literal_at(m, p, " by "))
                continue;
            Py_ssize_t e = p + 4;
            while (e < m->len && AT(m, e) != '(' && !IS_SPACE(AT(m, e)))
                e++;
            if (literal_at(m, e, "(uid="))
                by = (Span){p + 4, e};
        }
    if (set_span(fields, K_PAM_SERVICE, message, (Span){9, j}) < 0)
        return -2;
    if (user.end >= 0
        && (set_span(fields, K_USER, message, user) < 0
            || add(fields, K_ACTION, opened ? V_OPENED : V_CLOSED) < 0
            || add(fields, K_OUTCOME, V_SUCCESS) < 0
            || (by.end >= 0 && set_span(fields, K_RUSER, message, by) < 0)))
        return -2;
    return 1;
}

/* IP as _IP reads it at s, then " port N" if present (_SSHD_INVALID's optional port). */
static int
ip_then_port(const Text *m, Py_ssize_t s, Span *ip, Span *port)
{
    Py_ssize_t e = s;
    while (e < m->len && IS_IP1(AT(m, e)))
        e++;
    while (e > s + 1 && !IS_HEX(AT(m, e - 1)))
        e--;
    if (!(e - s >= 2 && IS_HEX(AT(m, e - 1)))) {
        e = s;
        while (e < m->len && (IS_WORD(AT(m, e)) || AT(m, e) == '.' || AT(m, e) == '-'))
            e++;
        if (e == s)
            return 0;
    }
    *ip = (Span){s, e};
    *port = NONE;
    if (literal_at(m, e, " port ") && e + 6 < m->len && IS_DIGIT(AT(m, e + 6)))
        *port = (Span){e + 6, run_digits(m, e + 6)};
    return 1;
}

/* _IP_PORT.search(message, start): (?<![\w.:-])(IP) port (\d+), leftmost. */
static int
ip_port_search(const Text *m, Py_ssize_t start, Span *ip, Span *port)
{
    for (Py_ssize_t p = start; p < m->len; p++) {
        if (p > 0) {
            Py_UCS4 b = AT(m, p - 1);
            if (IS_WORD(b) || b == '.' || b == ':' || b == '-')
                continue;
        }
        Py_ssize_t e = p;
        while (e < m->len && IS_IP1(AT(m, e)))
            e++;
        int ok = e > p && IS_HEX(AT(m, e - 1)) && literal_at(m, e, " port ") && e + 6 < m->len
                 && IS_DIGIT(AT(m, e + 6));
        if (!ok) {
            e = p;
            while (e < m->len && (IS_WORD(AT(m, e)) || AT(m, e) == '.' || AT(m, e) == '-'))
                e++;
            ok = e > p && literal_at(m, e, " port ") && e + 6 < m->len && IS_DIGIT(AT(m, e + 6));
        }
        if (ok) {
            *ip = (Span){p, e};
            *port = (Span){e + 6, run_digits(m, e + 6)};
            return 1;
        }
    }
    return 0;
}

static Py_ssize_t
nonspace_until(const Text *m, Py_ssize_t i, Py_ssize_t end)
{
    while (i < end && !IS_SPACE(AT(m, i)))
        i++;
    return i;
}

/* _SSHD_USER.search(message, 0, end): \buser (\S*) |for (?:invalid user )?(\S*) from
 * 0: none; 1: the first group matched (in *user); 2: the second. */
static int
user_search(const Text *m, Py_ssize_t end, Span *user)
{
    for (Py_ssize_t p = 0; p < end; p++) {
        if (AT(m, p) == 'u' && (p == 0 || !IS_WORD(AT(m, p - 1))) && literal_in(m, p, "user ", end)) {
            Py_ssize_t r = nonspace_until(m, p + 5, end);
            if (r < end && AT(m, r) == ' ') {
                *user = (Span){p + 5, r};
                return 1;
            }
        }
        if (literal_in(m, p, "for ", end)) {
            Py_ssize_t q = p + 4;
            if (literal_in(m, q, "invalid user ", end)) {
                Py_ssize_t r = nonspace_until(m, q + 13, end);
                if (literal_in(m, r, " from ", end)) {
                    *user = (Span){q + 13, r};
                    return 2;
                }
            }
            Py_ssize_t r = nonspace_until(m, q, end);
            if (literal_in(m, r, " from ", end)) {
                *user = (Span){q, r};
                return 2;
            }
        }
    }
    return 0;
}

/* authlog._sshd for messages other than log-in verdicts and PAM lines it cannot read. */
static int
sshd_fast(PyObject *fields, PyObject *message, const Text *m)
{
    if (m->len == 0)
        return -1;
    Py_UCS4 head = AT(m, 0);
    if (head == 'p' && literal_at(m, 0, "pam_unix"))
        return pam_fast(fields, message, m);
    if (head == 'A' || head == 'F' || head == 'P')
        return -1; /* maybe a verdict in a shape the header did not take */
    Span ip, port, user;
    if ((head == 'I' || head == 'i') && literal_at(m, 1, "nvalid user ")) {
        for (Py_ssize_t u = 13;; u++) {
            if (literal_at(m, u, " from ") && ip_then_port(m, u + 6, &ip, &port)) {
                if (set_span(fields, K_USER, message, (Span){13, u}) < 0
                    || set_span(fields, K_SRC_IP, message, ip) < 0
                    || (port.end >= 0 && set_span(fields, K_SRC_PORT, message, port) < 0)
                    || add(fields, K_OUTCOME, V_FAILURE) < 0 || add(fields, K_INVALID, V_TRUE) < 0)
                    return -2;
                return 1;
            }
            if (u >= m->len || AT(m, u) == '\n')
                break;
        }
    }
    Py_ssize_t at = find_literal(m, 0, " port ");
    int found = 0, named = 0;
    if (at > 0 && (found = ip_port_search(m, at > 46 ? at - 46 : 0, &ip, &port)))
        named = user_search(m, ip.start + 1, &user);
    if (found
        && ((named && set_span(fields, K_USER, message, user) < 0)
            || set_span(fields, K_SRC_IP, message, ip) < 0
            || set_span(fields, K_SRC_PORT, message, port) < 0))
        return -2;
    if (find_literal(m, 0, "Failed ") >= 0 || find_literal(m, 0, "Invalid user") >= 0
        || find_literal(m, 0, "authentication failure") >= 0
        || find_literal(m, 0, "maximum authentication") >= 0)
        return add(fields, K_OUTCOME, V_FAILURE) < 0 ? -2 : 1;
    return 1;
}

/* The extractor for `handler` in C when there is one and it can read the message: 1 done,
 * -1 call the Python one, -2 error. */
static int
extract_fast(Parser *p, PyObject *handler, PyObject *fields, PyObject *line, Span msg,
             PyObject *message)
{
    Text t;
    if (text_of(line, &t) < 0)
        return -2;
    Text m = {t.kind, (const char *)t.data + msg.start * t.kind, msg.end - msg.start};
    if (handler == p->sshd_handler)
        return sshd_fast(fields, message, &m);
    if (handler == p->pam_only_handler || handler == NULL) /* _pam_only, or extract's own */
        return literal_at(&m, 0, "pam_unix") ? pam_fast(fields, message, &m) : 1;
    return -1;
}

/* syslog's event() for a general line: header fields, authlog.extract, the program's source. */
static PyObject *
general_event(Parser *p, PyObject *line, PyObject *position, PyObject *ts, Span *g)
{
    PyObject *fields = pri_start(p, line, g[S_PRI]), *program = NULL, *message = NULL;
    PyObject *source = NULL, *event = NULL;
    if (fields == NULL)
        goto done;
    if (g[S_PROG].end >= 0)
        program = sub(line, g[S_PROG]);
    else {
        program = V_EMPTY;
        Py_INCREF(program);
    }
    if (program == NULL || (message = sub(line, g[S_MSG])) == NULL
        || set_span(fields, K_HOST, line, g[S_HOST]) < 0
        || PyDict_SetItem(fields, K_PROGRAM, program) < 0
        || (g[S_PID].end >= 0 && set_span(fields, K_PID, line, g[S_PID]) < 0)
        || PyDict_SetItem(fields, K_MESSAGE, message) < 0)
        goto done;
    PyObject *handler = PyDict_GetItemWithError(p->by_program, program); /* borrowed */
    PyObject *rc = NULL;
    if (handler == NULL && PyErr_Occurred())
        goto done;
    int fast = extract_fast(p, handler, fields, line, g[S_MSG], message);
    if (fast == -2)
        goto done;
    if (fast == 1) {
        rc = Py_None;
        Py_INCREF(rc);
    }
    else if (handler != NULL)
        rc = PyObject_CallFunctionObjArgs(handler, message, fields, NULL);
    else if (PyErr_Occurred())
        goto done;
    else {
        int pam = PyUnicode_Tailmatch(message, V_PAM, 0, PY_SSIZE_T_MAX, -1);
        if (pam < 0)
            goto done;
        if (pam)
            rc = PyObject_CallFunctionObjArgs(p->pam, message, fields, NULL);
        else {
            rc = Py_None;
            Py_INCREF(rc);
        }
    }
    if (rc == NULL)
        goto done;
    Py_DECREF(rc);
    source = PyDict_GetItemWithError(p->sources, program);
    if (source != NULL)
        Py_INCREF(source);
    else if (!PyErr_Occurred())
        source = PyObject_CallOneArg(p->source_get, program);
    if (source == NULL)
        goto done;
    Py_INCREF(ts);
    event = new_event(p->event_type, p->display, position, ts, source, fields, line);
    fields = NULL;
done:
    Py_XDECREF(fields);
    Py_XDECREF(program);
    Py_XDECREF(message);
    Py_XDECREF(source);
    return event;
}

/* bsd_time(stamp), or its last answer when the stamp is the last one asked about: the Python
 * cache answers a repeated stamp from its own last answer, without touching year inference
 * (the lines in between, if any, had RFC 3339 stamps, which leave it as it is). */
static PyObject *
stamp_time(Parser *p, PyObject *line, Span s)
{
    if (p->last_stamp != NULL) {
        Text t, l;
        if (text_of(line, &t) < 0 || text_of(p->last_stamp, &l) < 0)
            return NULL;
        int same = l.len == s.end - s.start;
        for (Py_ssize_t i = 0; same && i < l.len; i++)
            same = AT(&l, i) == AT(&t, s.start + i);
        if (same) {
            Py_INCREF(p->last_ts);
            return p->last_ts;
        }
    }
    PyObject *stamp = sub(line, s), *ts = NULL;
    if (stamp == NULL)
        return NULL;
    /* The minute's start remembered by the Python cache (it forgets them all whenever year
     * inference moves, so a stamp found there cannot move it) plus the seconds. */
    PyObject *minute_key = PyUnicode_Substring(stamp, 0, 12), *second_key = NULL;
    if (minute_key == NULL || (second_key = PyUnicode_Substring(stamp, 13, 15)) == NULL) {
        Py_XDECREF(minute_key);
        Py_DECREF(stamp);
        return NULL;
    }
    PyObject *minute = PyDict_GetItemWithError(p->bsd_minutes, minute_key), *second = NULL;
    if (minute != NULL)
        second = PyDict_GetItemWithError(p->seconds, second_key);
    Py_DECREF(minute_key);
    Py_DECREF(second_key);
    if (PyErr_Occurred()) {
        Py_DECREF(stamp);
        return NULL;
    }
    ts = second != NULL ? PyNumber_Add(minute, second) : PyObject_CallOneArg(p->bsd_time, stamp);
    if (ts == NULL) {
        Py_DECREF(stamp);
        return NULL;
    }
    Py_XSETREF(p->last_stamp, stamp);
    Py_INCREF(ts);
    Py_XSETREF(p->last_ts, ts);
    return ts;
}

static PyObject *
parse_syslog(Parser *p, PyObject *line, PyObject *position)
{
    Text t;
    Span g[S_GROUPS];
    if (text_of(line, &t) < 0)
        return NULL;
    int kind = bsd_match(&t, g);
    if (kind == 0)
        return PyObject_CallFunctionObjArgs(p->structured, line, position, NULL);
    PyObject *ts = stamp_time(p, line, g[S_STAMP]);
    if (ts == NULL || ts == Py_None)
        return ts;
    PyObject *event;
    if (kind == 2)
        event = general_event(p, line, position, ts, g);
    else {
        Py_INCREF(ts);
        event = new_event(p->event_type, p->display, position, ts, p->logsource,
                          verdict_fields(p, line, &t, g), line);
    }
    Py_DECREF(ts);
    return event;
}

static PyObject *
parser_vectorcall(PyObject *self, PyObject *const *args, size_t nargsf, PyObject *kwnames)
{
    Parser *p = (Parser *)self;
    if (PyVectorcall_NARGS(nargsf) != 2 || kwnames != NULL) {
        PyErr_SetString(PyExc_TypeError, "a parser takes (line, position)");
        return NULL;
    }
    return p->format == ACCESS ? parse_access(p, args[0], args[1])
                               : parse_syslog(p, args[0], args[1]);
}

/* parser.block(lines, first) -> (events, bad, blank): the events of lines[i] at position
 * first + i; positions where the parser gave None; positions of empty or white-space lines
 * (not parsed: the caller decides whether they count as bad). */
static PyObject *
parser_block(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyList_Check(args[0])) {
        PyErr_SetString(PyExc_TypeError, "block takes (list of lines, first position)");
        return NULL;
    }
    Py_ssize_t first = PyLong_AsSsize_t(args[1]);
    if (first == -1 && PyErr_Occurred())
        return NULL;
    PyObject *lines = args[0], *events = PyList_New(0), *bad = PyList_New(0),
             *blank = PyList_New(0), *result = NULL;
    if (events == NULL || bad == NULL || blank == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(lines); i++) {
        PyObject *position = PyLong_FromSsize_t(first + i), *line;
        if (position == NULL)
            goto done;
        line = PyList_GET_ITEM(lines, i); /* the size is read again each time round */
        Py_INCREF(line);                  /* held while callbacks run */
        PyObject *pair[2] = {line, position}, *event = NULL;
        int empty = 1;
        if (PyUnicode_Check(line)) {
            Text t;
            if (text_of(line, &t) < 0) {
                Py_DECREF(position);
                Py_DECREF(line);
                goto done;
            }
            for (Py_ssize_t j = 0; j < t.len && empty; j++)
                empty = IS_SPACE(AT(&t, j));
        }
        else
            empty = 0; /* the parser raises the TypeError */
        int rc;
        if (empty)
            rc = PyList_Append(blank, position);
        else if ((event = parser_vectorcall(self, pair, 2, NULL)) == NULL)
            rc = -1;
        else
            rc = PyList_Append(event == Py_None ? bad : events, event == Py_None ? position : event);
        Py_XDECREF(event);
        Py_DECREF(position);
        Py_DECREF(line);
        if (rc < 0)
            goto done;
    }
    result = PyTuple_Pack(3, events, bad, blank);
done:
    Py_XDECREF(events);
    Py_XDECREF(bad);
    Py_XDECREF(blank);
    return result;
}

static int
parser_traverse(Parser *p, visitproc visit, void *arg)
{
    Py_VISIT(p->event_type);
    Py_VISIT(p->display);
    Py_VISIT(p->logsource);
    Py_VISIT(p->decoded);
    Py_VISIT(p->decode);
    Py_VISIT(p->minutes);
    Py_VISIT(p->seconds);
    Py_VISIT(p->clf_time);
    Py_VISIT(p->structured);
    Py_VISIT(p->bsd_time);
    Py_VISIT(p->pri_fields);
    Py_VISIT(p->by_program);
    Py_VISIT(p->pam);
    Py_VISIT(p->sources);
    Py_VISIT(p->source_get);
    Py_VISIT(p->bsd_minutes);
    Py_VISIT(p->sshd_handler);
    Py_VISIT(p->pam_only_handler);
    Py_VISIT(p->last_stamp);
    Py_VISIT(p->last_ts);
    return 0;
}

static int
parser_clear(Parser *p)
{
    Py_CLEAR(p->event_type);
    Py_CLEAR(p->display);
    Py_CLEAR(p->logsource);
    Py_CLEAR(p->decoded);
    Py_CLEAR(p->decode);
    Py_CLEAR(p->minutes);
    Py_CLEAR(p->seconds);
    Py_CLEAR(p->clf_time);
    Py_CLEAR(p->structured);
    Py_CLEAR(p->bsd_time);
    Py_CLEAR(p->pri_fields);
    Py_CLEAR(p->by_program);
    Py_CLEAR(p->pam);
    Py_CLEAR(p->sources);
    Py_CLEAR(p->source_get);
    Py_CLEAR(p->bsd_minutes);
    Py_CLEAR(p->sshd_handler);
    Py_CLEAR(p->pam_only_handler);
    Py_CLEAR(p->last_stamp);
    Py_CLEAR(p->last_ts);
    return 0;
}

static void
parser_dealloc(Parser *p)
{
    PyObject_GC_UnTrack(p);
    parser_clear(p);
    Py_TYPE(p)->tp_free((PyObject *)p);
}

static PyMethodDef parser_methods[] = {
    {"block", (PyCFunction)(void (*)(void))parser_block, METH_FASTCALL,
     "block(lines, first) -> (events, bad positions, blank positions)"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject ParserType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_mamori_speedups.Parser",
    .tp_basicsize = sizeof(Parser),
    .tp_dealloc = (destructor)parser_dealloc,
    .tp_vectorcall_offset = offsetof(Parser, vectorcall),
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_doc = "A compiled line parser: parser(line, position) -> LogEvent | None.",
    .tp_traverse = (traverseproc)parser_traverse,
    .tp_clear = (inquiry)parser_clear,
    .tp_methods = parser_methods,
};

static Parser *
new_parser(int format, PyObject *event_type, PyObject *display, PyObject *logsource)
{
    if (!PyType_Check(event_type) || !PyType_IsSubtype((PyTypeObject *)event_type, &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "the event type must be a tuple subclass");
        return NULL;
    }
    Parser *p = PyObject_GC_New(Parser, &ParserType);
    if (p == NULL)
        return NULL;
    p->vectorcall = parser_vectorcall;
    p->format = format;
    p->decoded = p->decode = p->minutes = p->seconds = p->clf_time = NULL;
    p->structured = p->bsd_time = p->pri_fields = p->by_program = p->pam = NULL;
    p->sources = p->source_get = p->last_stamp = p->last_ts = NULL;
    p->bsd_minutes = p->sshd_handler = p->pam_only_handler = NULL;
    Py_INCREF(event_type);
    Py_INCREF(display);
    Py_INCREF(logsource);
    p->event_type = (PyTypeObject *)event_type;
    p->display = display;
    p->logsource = logsource;
    return p;
}

static int
need_dicts(PyObject **dicts, int n)
{
    for (int i = 0; i < n; i++)
        if (!PyDict_CheckExact(dicts[i])) {
            PyErr_SetString(PyExc_TypeError, "memo arguments must be dicts");
            return -1;
        }
    return 0;
}

#define TAKE(field, value) (Py_INCREF(value), p->field = (value))

static PyObject *
access_parser(PyObject *module, PyObject *const *a, Py_ssize_t n)
{
    if (n != 8) {
        PyErr_SetString(PyExc_TypeError, "access_parser(event_type, display, logsource, "
                                         "decoded, decode, minutes, seconds, clf_time)");
        return NULL;
    }
    PyObject *dicts[] = {a[3], a[5], a[6]};
    if (need_dicts(dicts, 3) < 0)
        return NULL;
    Parser *p = new_parser(ACCESS, a[0], a[1], a[2]);
    if (p == NULL)
        return NULL;
    TAKE(decoded, a[3]);
    TAKE(decode, a[4]);
    TAKE(minutes, a[5]);
    TAKE(seconds, a[6]);
    TAKE(clf_time, a[7]);
    PyObject_GC_Track(p);
    return (PyObject *)p;
}

static PyObject *
syslog_parser(PyObject *module, PyObject *const *a, Py_ssize_t n)
{
    if (n != 14) {
        PyErr_SetString(PyExc_TypeError, "syslog_parser(event_type, display, sshd_logsource, "
                                         "structured, bsd_time, pri_fields, by_program, pam, "
                                         "sources, source_get, minutes, seconds, sshd, pam_only)");
        return NULL;
    }
    PyObject *dicts[] = {a[6], a[8], a[10], a[11]};
    if (need_dicts(dicts, 4) < 0)
        return NULL;
    Parser *p = new_parser(SYSLOG, a[0], a[1], a[2]);
    if (p == NULL)
        return NULL;
    TAKE(structured, a[3]);
    TAKE(bsd_time, a[4]);
    TAKE(pri_fields, a[5]);
    TAKE(by_program, a[6]);
    TAKE(pam, a[7]);
    TAKE(sources, a[8]);
    TAKE(source_get, a[9]);
    TAKE(bsd_minutes, a[10]);
    TAKE(seconds, a[11]);
    TAKE(sshd_handler, a[12]);
    TAKE(pam_only_handler, a[13]);
    PyObject_GC_Track(p);
    return (PyObject *)p;
}

static PyMethodDef module_methods[] = {
    {"access_parser", (PyCFunction)(void (*)(void))access_parser, METH_FASTCALL,
     "A compiled webaccess.WebAccessFormat line parser."},
    {"syslog_parser", (PyCFunction)(void (*)(void))syslog_parser, METH_FASTCALL,
     "A compiled syslog.SyslogFormat line parser (RFC 3164 lines; others go to `structured`)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_mamori_speedups",
    "Compiled log line parsers for Mamori (see mamori.analysers.logs.ingest._native).", -1,
    module_methods, NULL, NULL, NULL, NULL,
};

static int
intern(PyObject **slot, const char *text)
{
    *slot = PyUnicode_InternFromString(text);
    return *slot == NULL ? -1 : 0;
}

PyMODINIT_FUNC
PyInit__mamori_speedups(void)
{
    if (PyType_Ready(&ParserType) < 0)
        return NULL;
    if (intern(&K_CIP, "c-ip") || intern(&K_STATUS, "sc-status") || intern(&K_BYTES, "sc-bytes")
        || intern(&K_USERNAME, "cs-username") || intern(&K_HOST_HDR, "cs-host")
        || intern(&K_REFERER, "cs-referer") || intern(&K_AGENT, "cs-user-agent")
        || intern(&K_HOST, "host") || intern(&K_PROGRAM, "program") || intern(&K_PID, "pid")
        || intern(&K_MESSAGE, "message") || intern(&K_USER, "user")
        || intern(&K_SRC_IP, "src_ip") || intern(&K_SRC_PORT, "src_port")
        || intern(&K_METHOD, "auth_method") || intern(&K_OUTCOME, "outcome")
        || intern(&K_INVALID, "invalid_user") || intern(&V_DASH, "-")
        || intern(&V_SUCCESS, "success") || intern(&V_FAILURE, "failure")
        || intern(&V_TRUE, "true") || intern(&V_EMPTY, "") || intern(&V_PAM, "pam_unix")
        || intern(&V_INVALID_USER, "invalid user") || intern(&K_METHOD_HTTP, "cs-method")
        || intern(&K_VERSION, "cs-version") || intern(&K_URI, "c-uri")
        || intern(&K_DECODED, "c-uri-decoded") || intern(&K_STEM, "cs-uri-stem")
        || intern(&K_QUERY, "c-uri-query") || intern(&K_CSQUERY, "cs-uri-query")
        || intern(&K_PAM_SERVICE, "pam_service") || intern(&K_ACTION, "action")
        || intern(&K_RUSER, "ruser") || intern(&V_OPENED, "session-opened")
        || intern(&V_CLOSED, "session-closed"))
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    if (PyModule_AddIntConstant(module, "VERSION", 2) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
