/* pack.c: what a worker keeps of a batch's matches, as shards._pack (its Python) does, and the
 * parent's rebuilding of them, as shards._matches does. */
#include "speedups.h"
#include <datetime.h>

/* The datetime C API, for this file (datetime.h gives each file its own pointer to it). */
int
pack_init(void)
{
    PyDateTime_IMPORT;
    return PyDateTimeAPI == NULL ? -1 : 0;
}

/* key[id(obj)] as set by the Python side: a number for each object, by identity. */
static PyObject *
by_identity(PyObject *numbers, PyObject *obj)
{
    PyObject *id = PyLong_FromVoidPtr(obj);
    if (id == NULL)
        return NULL;
    PyObject *found = PyDict_GetItemWithError(numbers, id);
    if (found == NULL && !PyErr_Occurred())
        PyErr_SetString(PyExc_KeyError, "pack: a rule without a number");
    Py_DECREF(id);
    Py_XINCREF(found);
    return found;
}

/* shards._pack_time: (state bytes, zone number) of ts, or (b"", -1) with ts kept in times. */
static int
pack_time(PyObject *ts, Py_ssize_t index, PyObject *zones, PyObject *zone_list, PyObject *times,
          PyObject **when, PyObject **zone)
{
    if (ts != Py_None && !PyDateTime_Check(ts)) {
        PyErr_SetString(PyExc_TypeError, "pack: an event time must be a datetime or None");
        return -1;
    }
    if (ts == Py_None || PyDateTime_DATE_GET_FOLD(ts)) {
        PyObject *at = PyLong_FromSsize_t(index);
        int rc = at == NULL ? -1 : PyDict_SetItem(times, at, ts);
        Py_XDECREF(at);
        if (rc < 0)
            return -1;
        *when = PyBytes_FromStringAndSize(NULL, 0);
        *zone = PyLong_FromLong(-1);
        return (*when == NULL || *zone == NULL) ? -1 : 0;
    }
    PyObject *reduced = PyObject_CallMethodNoArgs(ts, K_REDUCE), *state, *tz = Py_None, *id = NULL;
    if (reduced == NULL)
        return -1;
    if (!PyTuple_Check(reduced) || PyTuple_GET_SIZE(reduced) != 2
        || !PyTuple_Check(state = PyTuple_GET_ITEM(reduced, 1)) || PyTuple_GET_SIZE(state) < 1
        || PyTuple_GET_SIZE(state) > 2) {
        PyErr_SetString(PyExc_TypeError, "pack: datetime.__reduce__ gave an unknown shape");
        goto fail;
    }
    if (PyTuple_GET_SIZE(state) == 2)
        tz = PyTuple_GET_ITEM(state, 1);
    if ((id = PyLong_FromVoidPtr(tz)) == NULL)
        goto fail;
    PyObject *number = PyDict_GetItemWithError(zones, id);
    if (number != NULL)
        Py_INCREF(number);
    else if (PyErr_Occurred()
             || (number = PyLong_FromSsize_t(PyList_GET_SIZE(zone_list))) == NULL)
        goto fail;
    else if (PyDict_SetItem(zones, id, number) < 0 || PyList_Append(zone_list, tz) < 0) {
        Py_DECREF(number);
        goto fail;
    }
    *zone = number;
    *when = PyTuple_GET_ITEM(state, 0);
    Py_INCREF(*when);
    Py_DECREF(id);
    Py_DECREF(reduced);
    return 0;
fail:
    Py_XDECREF(id);
    Py_DECREF(reduced);
    return -1;
}

/* pack(pairs, numbers, sources, zones, keep, matched, matches, zone_list, times): for each
 * (rule, event) pair of a batch (an event's pairs together), as shards._pack does:
 *     if event is not last:
 *         ls = sources.setdefault(event.logsource, len(sources))
 *         when, zone = _pack_time(event.ts, len(matched), ...)
 *         matched.append((event.position, when, zone, ls, kept(event.fields, keep), event.raw))
 *     matches.append((numbers[id(rule)], len(matched) - 1))
 */
PyObject *
pack_matches(PyObject *module, PyObject *const *a, Py_ssize_t nargs)
{
    if (nargs != 9 || !PyList_Check(a[0]) || !PyDict_CheckExact(a[1]) || !PyDict_CheckExact(a[2])
        || !PyDict_CheckExact(a[3]) || !PyList_Check(a[5]) || !PyList_Check(a[6])
        || !PyList_Check(a[7]) || !PyDict_CheckExact(a[8])) {
        PyErr_SetString(PyExc_TypeError, "pack(pairs, numbers, sources, zones, keep, matched, "
                                         "matches, zone_list, times): lists and dicts");
        return NULL;
    }
    PyObject *pairs = a[0], *numbers = a[1], *sources = a[2], *zones = a[3], *keep = a[4];
    PyObject *matched = a[5], *matches = a[6], *zone_list = a[7], *times = a[8];
    /* pair and last are held: kept() and the zone look-ups may run Python code (a mapping's
     * items(), an __eq__), which could drop the caller's references */
    PyObject *last = NULL, *at = NULL, *pair = NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs); i++) {
        PyObject *event, *rule;
        Py_XSETREF(pair, Py_NewRef(PyList_GET_ITEM(pairs, i)));
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2
            || !PyTuple_Check(event = PyTuple_GET_ITEM(pair, 1)) || PyTuple_GET_SIZE(event) != 6) {
            PyErr_SetString(PyExc_TypeError, "pack: a pair is (rule, LogEvent)");
            goto fail;
        }
        rule = PyTuple_GET_ITEM(pair, 0);
        if (event != last) {
            Py_XSETREF(last, Py_NewRef(event));
            PyObject *ls = PyDict_GetItemWithError(sources, PyTuple_GET_ITEM(event, 3)), *when = NULL,
                     *zone = NULL, *kept = NULL, *row = NULL;
            if (ls != NULL)
                Py_INCREF(ls);
            else if (PyErr_Occurred() || (ls = PyLong_FromSsize_t(PyDict_GET_SIZE(sources))) == NULL
                     || PyDict_SetItem(sources, PyTuple_GET_ITEM(event, 3), ls) < 0) {
                Py_XDECREF(ls);
                goto fail;
            }
            Py_XSETREF(at, PyLong_FromSsize_t(PyList_GET_SIZE(matched)));
            if (at == NULL
                || pack_time(PyTuple_GET_ITEM(event, 2), PyList_GET_SIZE(matched), zones,
                             zone_list, times, &when, &zone) < 0
                || (kept = columns_kept(module, (PyObject *[]){PyTuple_GET_ITEM(event, 4), keep}, 2)) == NULL
                || (row = PyTuple_Pack(6, PyTuple_GET_ITEM(event, 1), when, zone, ls, kept,
                                       PyTuple_GET_ITEM(event, 5))) == NULL
                || PyList_Append(matched, row) < 0) {
                Py_XDECREF(when);
                Py_XDECREF(zone);
                Py_XDECREF(kept);
                Py_XDECREF(row);
                Py_DECREF(ls);
                goto fail;
            }
            Py_DECREF(when);
            Py_DECREF(zone);
            Py_DECREF(kept);
            Py_DECREF(row);
            Py_DECREF(ls);
        }
        if (at == NULL) {
            PyErr_SetString(PyExc_ValueError, "pack: no event yet");
            goto fail;
        }
        PyObject *number = by_identity(numbers, rule), *entry;
        if (number == NULL)
            goto fail;
        entry = PyTuple_Pack(2, number, at);
        Py_DECREF(number);
        if (entry == NULL || PyList_Append(matches, entry) < 0) {
            Py_XDECREF(entry);
            goto fail;
        }
        Py_DECREF(entry);
    }
    Py_XDECREF(at);
    Py_XDECREF(pair);
    Py_XDECREF(last);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(at);
    Py_XDECREF(pair);
    Py_XDECREF(last);
    return NULL;
}

/* A new item of a tuple subclass, as tuple.__new__(type, items) makes it (steals nothing). */
static PyObject *
new_tuple(PyTypeObject *type, PyObject *const *items, Py_ssize_t n)
{
    PyObject *made = type->tp_alloc(type, n);
    if (made == NULL)
        return NULL;
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_INCREF(items[i]);
        PyTuple_SET_ITEM(made, i, items[i]);
    }
    return made;
}

/* An item of a list by a Python int index, checked (a borrowed reference). */
static PyObject *
item_at(PyObject *list, PyObject *index, const char *what)
{
    Py_ssize_t i = PyLong_AsSsize_t(index);
    if (i == -1 && PyErr_Occurred())
        return NULL;
    if (i < 0 || i >= PyList_GET_SIZE(list)) {
        PyErr_Format(PyExc_IndexError, "unpack: no %s %zd", what, i);
        return NULL;
    }
    return PyList_GET_ITEM(list, i);
}

/* unpack(matched, matches, rules, sources, zones, times, display, event_type, match_type): the
 * parent's side of pack, as shards._matches does it:
 *     events = [event_type(display, position, datetime(state, zones[zone]) if zone >= 0
 *               else times[index], sources[ls], fields, raw) for index, (position, state, zone,
 *               ls, fields, raw) in enumerate(matched)]
 *     return [match_type(rules[rule], events[at]) for rule, at in matches]
 * (the named tuples made by tuple.__new__). */
PyObject *
pack_unpack(PyObject *module, PyObject *const *a, Py_ssize_t nargs)
{
    if (nargs != 9 || !PyList_Check(a[0]) || !PyList_Check(a[1]) || !PyList_Check(a[2])
        || !PyList_Check(a[3]) || !PyList_Check(a[4]) || !PyDict_Check(a[5]) || !PyType_Check(a[7])
        || !PyType_Check(a[8]) || !PyType_IsSubtype((PyTypeObject *)a[7], &PyTuple_Type)
        || !PyType_IsSubtype((PyTypeObject *)a[8], &PyTuple_Type)) {
        PyErr_SetString(PyExc_TypeError, "unpack(matched, matches, rules, sources, zones, times, "
                                         "display, event_type, match_type): lists, a dict, types");
        return NULL;
    }
    PyObject *matched = a[0], *matches = a[1], *rules = a[2], *sources = a[3], *zones = a[4];
    PyObject *times = a[5], *display = a[6];
    PyTypeObject *event_type = (PyTypeObject *)a[7], *match_type = (PyTypeObject *)a[8];
    PyObject *datetime = (PyObject *)PyDateTimeAPI->DateTimeType, *result = NULL;
    Py_ssize_t n = PyList_GET_SIZE(matched);
    PyObject *events = PyList_New(n);
    if (events == NULL)
        return NULL;
    PyObject *row = NULL, *pair = NULL; /* held while an __index__ could run Python code */
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *ts, *ls;
        if (i >= PyList_GET_SIZE(matched)) {
            PyErr_SetString(PyExc_RuntimeError, "unpack: the matched events changed meanwhile");
            goto done;
        }
        Py_XSETREF(row, Py_NewRef(PyList_GET_ITEM(matched, i)));
        if (!PyTuple_Check(row) || PyTuple_GET_SIZE(row) != 6) {
            PyErr_SetString(PyExc_TypeError, "unpack: a matched event is a 6-tuple");
            goto done;
        }
        Py_ssize_t zone = PyLong_AsSsize_t(PyTuple_GET_ITEM(row, 2));
        if (zone == -1 && PyErr_Occurred())
            goto done;
        if (zone >= 0) {
            PyObject *tz = item_at(zones, PyTuple_GET_ITEM(row, 2), "zone");
            if (tz == NULL)
                goto done;
            ts = PyObject_CallFunctionObjArgs(datetime, PyTuple_GET_ITEM(row, 1), tz, NULL);
        }
        else {
            PyObject *at = PyLong_FromSsize_t(i);
            ts = at == NULL ? NULL : PyDict_GetItemWithError(times, at);
            Py_XDECREF(at);
            if (ts == NULL && !PyErr_Occurred())
                PyErr_Format(PyExc_KeyError, "unpack: no time kept for matched event %zd", i);
            Py_XINCREF(ts);
        }
        if (ts == NULL || (ls = item_at(sources, PyTuple_GET_ITEM(row, 3), "logsource")) == NULL) {
            Py_XDECREF(ts);
            goto done;
        }
        PyObject *items[6] = {display, PyTuple_GET_ITEM(row, 0), ts, ls, PyTuple_GET_ITEM(row, 4),
                              PyTuple_GET_ITEM(row, 5)};
        PyObject *event = new_tuple(event_type, items, 6);
        Py_DECREF(ts);
        if (event == NULL)
            goto done;
        PyList_SET_ITEM(events, i, event);
    }
    Py_ssize_t m = PyList_GET_SIZE(matches);
    PyObject *out = PyList_New(m);
    if (out == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < m; i++) {
        PyObject *rule, *event;
        if (i >= PyList_GET_SIZE(matches)) {
            PyErr_SetString(PyExc_RuntimeError, "unpack: the matches changed meanwhile");
            Py_DECREF(out);
            goto done;
        }
        Py_XSETREF(pair, Py_NewRef(PyList_GET_ITEM(matches, i)));
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2
            || (rule = item_at(rules, PyTuple_GET_ITEM(pair, 0), "rule")) == NULL
            || (event = item_at(events, PyTuple_GET_ITEM(pair, 1), "matched event")) == NULL) {
            if (!PyErr_Occurred())
                PyErr_SetString(PyExc_TypeError, "unpack: a match is (rule number, index)");
            Py_DECREF(out);
            goto done;
        }
        PyObject *items[2] = {rule, event};
        PyObject *made = new_tuple(match_type, items, 2);
        if (made == NULL) {
            Py_DECREF(out);
            goto done;
        }
        PyList_SET_ITEM(out, i, made);
    }
    result = out;
done:
    Py_XDECREF(row);
    Py_XDECREF(pair);
    Py_DECREF(events);
    return result;
}
