/* access.c: NCSA common / combined access lines (webaccess.WebAccessFormat). */
#include "speedups.h"

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
            if (set_repeated(p, fields, K_METHOD_HTTP, line, (Span){r.start, spaces[0]}) < 0
                || set_repeated(p, fields, K_VERSION, line, (Span){spaces[1] + 1, r.end}) < 0)
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

PyObject *
parse_access(Parser *p, PyObject *line, PyObject *position)
{
    Text t;
    Span g[A_GROUPS];
    if (text_of(line, &t) < 0)
        return NULL;
    if (!access_match(&t, g))
        Py_RETURN_NONE;
    PyObject *fields = NEW_FIELDS();
    if (fields == NULL || set_repeated(p, fields, K_CIP, line, g[A_IP]) < 0
        || set_repeated(p, fields, K_STATUS, line, g[A_STATUS]) < 0
        || set_span(fields, K_BYTES, line, g[A_BYTES]) < 0)
        goto fail;
    Span user = g[A_USER];
    if (!(user.end - user.start == 1 && AT(&t, user.start) == '-')
        && set_span(fields, K_USERNAME, line, user) < 0)
        goto fail;
    if (g[A_VHOST].end >= 0 && set_repeated(p, fields, K_HOST_HDR, line, g[A_VHOST]) < 0)
        goto fail;
    if (request_fields(p, fields, line, g[A_REQUEST]) < 0)
        goto fail;
    if (g[A_REFERER].end >= 0 && (set_repeated(p, fields, K_REFERER, line, g[A_REFERER]) < 0
                                  || set_repeated(p, fields, K_AGENT, line, g[A_AGENT]) < 0))
        goto fail;
    return new_event(p->event_type, p->display, position, clf_time(p, line, g[A_TIME]),
                     p->logsource, fields, line);
fail:
    Py_XDECREF(fields);
    return NULL;
}
