/* pack.c: what a worker keeps of a batch's matches, as shards._pack (its Python) does. */
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
    PyObject *last = NULL, *at = NULL;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(pairs); i++) {
        PyObject *pair = PyList_GET_ITEM(pairs, i), *event, *rule;
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2
            || !PyTuple_Check(event = PyTuple_GET_ITEM(pair, 1)) || PyTuple_GET_SIZE(event) != 6) {
            PyErr_SetString(PyExc_TypeError, "pack: a pair is (rule, LogEvent)");
            goto fail;
        }
        rule = PyTuple_GET_ITEM(pair, 0);
        if (event != last) {
            last = event; /* held by pairs, which nothing here changes */
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
    Py_RETURN_NONE;
fail:
    Py_XDECREF(at);
    return NULL;
}
