/* fieldval.h — reading the small values of a CSV field (flags, positive integers),
 * shared by the candidate loaders. Spaces around a value are ignored. */
#ifndef ADMIT_FIELDVAL_H
#define ADMIT_FIELDVAL_H

#include <stddef.h>
#include <stdint.h>

/* Narrows s[0..*len) to its text without surrounding spaces and tabs. */
static inline const char *fieldval_trim(const char *s, size_t *len)
{
    size_t a = 0, b = *len;
    while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
    while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
    *len = b - a;
    return s + a;
}

/* "0" or "1" → 0 / 1; anything else → -1. */
static inline int fieldval_flag(const char *s, size_t len)
{
    s = fieldval_trim(s, &len);
    if (len == 1 && (s[0] == '0' || s[0] == '1')) return s[0] - '0';
    return -1;
}

/* A positive decimal integer up to max → its value; anything else → 0. */
static inline uint32_t fieldval_positive(const char *s, size_t len, uint32_t max)
{
    s = fieldval_trim(s, &len);
    if (len == 0 || len > 10) return 0;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return 0;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    return v <= max ? (uint32_t)v : 0;
}

#endif
