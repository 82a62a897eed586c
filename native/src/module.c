/* module.c: the parser type, its constructors and the module (see speedups.h). */
#include "speedups.h"

/* Interned field names. */
PyObject *K_CIP, *K_STATUS, *K_BYTES, *K_USERNAME, *K_HOST_HDR, *K_REFERER, *K_AGENT,
    *K_HOST, *K_PROGRAM, *K_PID, *K_MESSAGE, *K_USER, *K_SRC_IP, *K_SRC_PORT, *K_METHOD,
    *K_OUTCOME, *K_INVALID, *V_DASH, *V_SUCCESS, *V_FAILURE, *V_TRUE, *V_EMPTY, *V_PAM,
    *V_INVALID_USER, *K_METHOD_HTTP, *K_VERSION, *K_URI, *K_DECODED, *K_STEM, *K_QUERY,
    *K_CSQUERY, *K_PAM_SERVICE, *K_ACTION, *K_RUSER, *V_OPENED, *V_CLOSED, *K_GET, *K_REDUCE;

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
        if (i > PY_SSIZE_T_MAX - first) {
            PyErr_SetString(PyExc_OverflowError, "line position too large");
            goto done;
        }
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

/* Every object a parser holds, for traverse, clear and initialisation alike. */
#define PARSER_OBJECTS(X)                                                                      \
    X(event_type) \
    X(display) \
    X(logsource) \
    X(decoded) \
    X(decode) \
    X(minutes) \
    X(seconds) \
    X(clf_time) \
    X(structured) \
    X(bsd_time) \
    X(pri_fields) \
    X(by_program) \
    X(pam) \
    X(sources) \
    X(source_get) \
    X(bsd_minutes) \
    X(sshd_handler) \
    X(pam_only_handler) \
    X(last_stamp) \
    X(last_ts)

#define VISIT(member) Py_VISIT(p->member);
#define CLEAR(member) Py_CLEAR(p->member);
#define NULLIFY(member) p->member = NULL;

static int
parser_traverse(Parser *p, visitproc visit, void *arg)
{
    PARSER_OBJECTS(VISIT)
    return 0;
}

static int
parser_clear(Parser *p)
{
    PARSER_OBJECTS(CLEAR)
    for (int i = 0; i < VALUE_SLOTS; i++) /* str only: nothing for traverse to visit */
        Py_CLEAR(p->values[i]);
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
    PARSER_OBJECTS(NULLIFY)
    memset(p->values, 0, sizeof p->values);
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
    {"column", (PyCFunction)(void (*)(void))columns_column, METH_FASTCALL,
     "column(rows, key) -> [row.get(key) for row in rows]"},
    {"kept", (PyCFunction)(void (*)(void))columns_kept, METH_FASTCALL,
     "kept(fields, keep) -> {k: v for k, v in fields.items() if k in keep}"},
    {"mark", (PyCFunction)(void (*)(void))columns_mark, METH_FASTCALL,
     "mark(masks, found, starts, ids): masks[value of hit] |= ids[needle of hit], for every hit"},
    {"lowered", (PyCFunction)(void (*)(void))columns_lowered, METH_FASTCALL,
     "lowered(values) -> (ASCII bytes of the values joined by newlines, lower-cased; where each "
     "starts) | None if one is not ASCII"},
    {"pack", (PyCFunction)(void (*)(void))pack_matches, METH_FASTCALL,
     "pack(pairs, numbers, sources, zones, keep, matched, matches, zone_list, times): what a "
     "worker keeps of a batch's matches (see mamori.analysers.logs.shards._pack)"},
    {"unpack", (PyCFunction)(void (*)(void))pack_unpack, METH_FASTCALL,
     "unpack(matched, matches, rules, sources, zones, times, display, event_type, match_type): "
     "the matches pack kept, rebuilt (see mamori.analysers.logs.shards._matches)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "_mamori_speedups",
    "Compiled log line parsers (and loops of matching) for Mamori (see mamori.analysers.logs.ingest._native).", -1,
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
        || intern(&V_CLOSED, "session-closed") || intern(&K_GET, "get")
        || intern(&K_REDUCE, "__reduce__") || pack_init() < 0)
        return NULL;
    PyObject *module = PyModule_Create(&module_def);
    if (module == NULL)
        return NULL;
    if (PyModule_AddIntConstant(module, "VERSION", 5) < 0) {
        Py_DECREF(module);
        return NULL;
    }
    return module;
}
