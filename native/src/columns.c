/* columns.c: two loops of the matching path that cost more in the interpreter than in C. */
#include "speedups.h"

/* row.get(key), with dict's own look-up for a dict (a new reference; None when absent). */
static PyObject *
get_or_none(PyObject *row, PyObject *key)
{
    if (!PyDict_CheckExact(row))
        return PyObject_CallMethodOneArg(row, K_GET, key);
    PyObject *value = PyDict_GetItemWithError(row, key);
    if (value == NULL) {
        if (PyErr_Occurred())
            return NULL;
        value = Py_None;
    }
    Py_INCREF(value);
    return value;
}

/* column(rows, key) -> [row.get(key) for row in rows]: one field of a batch of events. */
PyObject *
columns_column(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "column takes (rows, key)");
        return NULL;
    }
    PyObject *rows = PySequence_Fast(args[0], "column's rows must be a sequence");
    if (rows == NULL)
        return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(rows);
    PyObject *out = PyList_New(n);
    for (Py_ssize_t i = 0; out != NULL && i < n; i++) {
        /* the size cannot change: rows is a list or tuple of our own, or the caller's tuple */
        PyObject *value = get_or_none(PySequence_Fast_GET_ITEM(rows, i), args[1]);
        if (value == NULL)
            Py_CLEAR(out);
        else
            PyList_SET_ITEM(out, i, value);
    }
    Py_DECREF(rows);
    return out;
}

/* Whether key is in keep (a set, or any container). */
static inline int
wanted(PyObject *keep, PyObject *key)
{
    return PyAnySet_Check(keep) ? PySet_Contains(keep, key) : PySequence_Contains(keep, key);
}

/* kept() of a mapping other than a dict: through its items(). */
static PyObject *
kept_items(PyObject *fields, PyObject *keep)
{
    PyObject *items = PyMapping_Items(fields);
    if (items == NULL)
        return NULL;
    PyObject *out = PyDict_New();
    for (Py_ssize_t i = 0; out != NULL && i < PyList_GET_SIZE(items); i++) {
        PyObject *pair = PyList_GET_ITEM(items, i);
        if (!PyTuple_Check(pair) || PyTuple_GET_SIZE(pair) != 2) {
            PyErr_SetString(PyExc_TypeError, "kept: items() must give pairs");
            Py_CLEAR(out);
            break;
        }
        int in = wanted(keep, PyTuple_GET_ITEM(pair, 0));
        if (in < 0 || (in && PyDict_SetItem(out, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1)) < 0))
            Py_CLEAR(out);
    }
    Py_DECREF(items);
    return out;
}

/* kept(fields, keep) -> {k: v for k, v in fields.items() if k in keep}, in fields' order: the
 * fields a matched event carries back from a worker. */
PyObject *
columns_kept(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "kept takes (fields, keep)");
        return NULL;
    }
    PyObject *fields = args[0], *keep = args[1], *key, *value;
    if (!PyDict_CheckExact(fields))
        return kept_items(fields, keep);
    PyObject *out = PyDict_New();
    Py_ssize_t at = 0, size = PyDict_GET_SIZE(fields);
    while (out != NULL && PyDict_Next(fields, &at, &key, &value)) {
        Py_INCREF(key); /* held: a test of membership may run Python code (an element's __eq__) */
        Py_INCREF(value);
        int in = wanted(keep, key);
        if (in >= 0 && PyDict_GET_SIZE(fields) != size) {
            PyErr_SetString(PyExc_RuntimeError, "dictionary changed size during iteration");
            in = -1;
        }
        if (in < 0 || (in && PyDict_SetItem(out, key, value) < 0))
            Py_CLEAR(out);
        Py_DECREF(key);
        Py_DECREF(value);
    }
    return out;
}

/* mark(masks, found, starts, ids): for each (needle, start, end) in found (an automaton's hits
 * in the values joined one after the other, starts[i] where value i begins, ascending),
 * masks[i] |= ids[needle] for the value i the hit starts in:
 *     for needle, start, _ in found:
 *         i = bisect_right(starts, start) - 1
 *         masks[i] |= ids[needle]
 */
PyObject *
columns_mark(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 4 || !PyList_Check(args[0]) || !PyList_Check(args[1]) || !PyList_Check(args[2])
        || !PyList_Check(args[3])) {
        PyErr_SetString(PyExc_TypeError, "mark takes (masks, found, starts, ids), all lists");
        return NULL;
    }
    PyObject *masks = args[0], *found = args[1], *starts = args[2], *ids = args[3];
    Py_ssize_t n = PyList_GET_SIZE(starts);
    if (n == 0 || n != PyList_GET_SIZE(masks)) {
        PyErr_SetString(PyExc_ValueError, "mark: one start per mask, and at least one");
        return NULL;
    }
    Py_ssize_t *at = PyMem_New(Py_ssize_t, n);
    if (at == NULL)
        return PyErr_NoMemory();
    for (Py_ssize_t i = 0; i < n; i++) {
        at[i] = PyLong_AsSsize_t(PyList_GET_ITEM(starts, i));
        if (at[i] == -1 && PyErr_Occurred())
            goto fail;
    }
    for (Py_ssize_t h = 0; h < PyList_GET_SIZE(found); h++) {
        /* Everything borrowed is held while calls that could run Python code (an __index__,
         * an __or__) are made, and every index is checked against the list as it is then. */
        PyObject *hit = PyList_GET_ITEM(found, h);
        if (!PyTuple_Check(hit) || PyTuple_GET_SIZE(hit) < 2) {
            PyErr_SetString(PyExc_TypeError, "mark: a hit is (needle, start, end)");
            goto fail;
        }
        Py_INCREF(hit);
        Py_ssize_t needle = PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 0));
        Py_ssize_t start = needle == -1 && PyErr_Occurred() ? -1 : PyLong_AsSsize_t(PyTuple_GET_ITEM(hit, 1));
        Py_DECREF(hit);
        if ((needle == -1 || start == -1) && PyErr_Occurred())
            goto fail;
        Py_ssize_t low = 0, high = n; /* bisect_right(starts, start) - 1 */
        while (low < high) {
            Py_ssize_t mid = low + (high - low) / 2;
            if (start < at[mid])
                high = mid;
            else
                low = mid + 1;
        }
        if (needle < 0 || needle >= PyList_GET_SIZE(ids) || low == 0
            || low > PyList_GET_SIZE(masks)) {
            PyErr_SetString(PyExc_IndexError, "mark: a hit outside the needles or the values");
            goto fail;
        }
        PyObject *old = PyList_GET_ITEM(masks, low - 1), *id = PyList_GET_ITEM(ids, needle);
        Py_INCREF(old);
        Py_INCREF(id);
        PyObject *mask = PyNumber_Or(old, id);
        Py_DECREF(old);
        Py_DECREF(id);
        if (mask == NULL || PyList_SetItem(masks, low - 1, mask) < 0) /* steals mask */
            goto fail;
    }
    PyMem_Free(at);
    Py_RETURN_NONE;
fail:
    PyMem_Free(at);
    return NULL;
}

/* lowered(values) -> (text, starts) | None: the values (None read as "") joined by newlines
 * and lower-cased, as ASCII bytes, and where each value starts in them; None when a value is
 * not all ASCII (the caller then joins and lower-cases the text as str):
 *     texts = [value or "" for value in values]
 *     joined = "\n".join(texts)
 *     if not joined.isascii(): return None
 *     return joined.lower().encode("ascii"), [where each of texts starts in joined]
 */
PyObject *
columns_lowered(PyObject *module, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 1) {
        PyErr_SetString(PyExc_TypeError, "lowered takes (values)");
        return NULL;
    }
    PyObject *values = PySequence_Fast(args[0], "lowered's values must be a sequence");
    if (values == NULL)
        return NULL;
    PyObject *text = NULL, *starts = NULL, *result = NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(values), size = n > 0 ? n - 1 : 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *value = PySequence_Fast_GET_ITEM(values, i);
        if (value == Py_None)
            continue;
        if (!PyUnicode_Check(value)) {
            PyErr_Format(PyExc_TypeError, "lowered: value %zd is %.50s, not str", i,
                         Py_TYPE(value)->tp_name);
            goto done;
        }
        if (PyUnicode_READY(value) < 0)
            goto done;
        if (!PyUnicode_IS_ASCII(value)) {
            result = Py_None;
            Py_INCREF(result);
            goto done;
        }
        size += PyUnicode_GET_LENGTH(value);
    }
    if ((text = PyBytes_FromStringAndSize(NULL, size)) == NULL || (starts = PyList_New(n)) == NULL)
        goto done;
    char *out = PyBytes_AS_STRING(text);
    Py_ssize_t at = 0;
    for (Py_ssize_t i = 0; i < n; i++) { /* nothing here runs Python code: values stay as read */
        PyObject *start = PyLong_FromSsize_t(at), *value = PySequence_Fast_GET_ITEM(values, i);
        if (start == NULL)
            goto done;
        PyList_SET_ITEM(starts, i, start);
        if (i > 0)
            out[at - 1] = '\n';
        if (value != Py_None) {
            const Py_UCS1 *in = PyUnicode_1BYTE_DATA(value);
            Py_ssize_t len = PyUnicode_GET_LENGTH(value);
            char *to = out + at;
            for (Py_ssize_t j = 0; j < len; j++) { /* ASCII: 'A'-'Z' gain 32; written so the
                                                      compiler can do many bytes at once */
                Py_UCS1 c = in[j];
                to[j] = (char)(c + (((Py_UCS1)(c - 'A') < 26) << 5));
            }
            at += len;
        }
        at += 1;
    }
    result = PyTuple_Pack(2, text, starts);
done:
    Py_DECREF(values);
    Py_XDECREF(text);
    Py_XDECREF(starts);
    return result;
}
