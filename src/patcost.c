/* patcost.c — see patcost.h.
 *
 * The bound: the matcher tries each start position; from one start, every quantified
 * single-character item (x* x+ x- x?) followed by more pattern is a choice point with at
 * most R+1 branches, R being the longest run of subject characters that the item's class
 * matches (2 for x?); the rest of the work at each leaf is linear: the pattern's own
 * items, a trailing quantifier (at most R characters, followed only by ')' or '$'), a %b
 * (up to the subject's length), a back-reference %1..%9 (the same). So
 *   steps <= starts * prod(R_i + 1) * 2^q * (lp + sum(trailing R) + (nb + nref) * n).
 * R is measured on the subject only when the rough bound (every R = n) is large: the
 * usual patterns on short texts cost nothing to check. Classes follow the manual (§6.4.1);
 * where unsure, an item is taken to match everything (a larger bound, never a smaller). */
#include "patcost.h"

#include <ctype.h>
#include <math.h>

/* One item's class: [p, end) is '.', '%x', '[set]' or a literal character. */
typedef struct item {
    const char *p, *end;
} item;

static int class_letter(int c, int cl)
{
    int r;
    switch (tolower(cl)) {
    case 'a': r = isalpha(c); break;
    case 'c': r = iscntrl(c); break;
    case 'd': r = isdigit(c); break;
    case 'g': r = isgraph(c); break;
    case 'l': r = islower(c); break;
    case 'p': r = ispunct(c); break;
    case 's': r = isspace(c); break;
    case 'u': r = isupper(c); break;
    case 'w': r = isalnum(c); break;
    case 'x': r = isxdigit(c); break;
    default: return cl == c;
    }
    if (isupper(cl))
        r = !r;
    return r != 0;
}

/* c in the set [p, end) (p after '[', end at the closing ']'). */
static int in_set(int c, const char *p, const char *end)
{
    int negate = 0;
    if (p < end && *p == '^') {
        negate = 1;
        p++;
    }
    int found = 0;
    while (p < end) {
        if (*p == '%' && p + 1 < end) {
            found |= class_letter(c, (unsigned char)p[1]);
            p += 2;
        } else if (p + 2 < end && p[1] == '-') {
            found |= (unsigned char)p[0] <= c && c <= (unsigned char)p[2];
            p += 3;
        } else {
            found |= (unsigned char)*p == c;
            p++;
        }
    }
    return found != negate;
}

static int item_matches(const item *it, int c)
{
    const char *p = it->p;
    if (*p == '.')
        return 1;
    if (*p == '%')
        return it->end - p >= 2 ? class_letter(c, (unsigned char)p[1]) : 1;
    if (*p == '[')
        return it->end - p >= 2 ? in_set(c, p + 1, it->end - 1) : 1;
    return (unsigned char)*p == c;
}

/* The longest run of subject characters the item matches. */
static size_t longest_run(const item *it, const char *s, size_t n)
{
    size_t best = 0, run = 0;
    for (size_t i = 0; i < n; i++) {
        run = item_matches(it, (unsigned char)s[i]) ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

/* The end of a set starting at p ('['), after its ']'; end when it is not closed. */
static const char *skip_set(const char *p, const char *end)
{
    p++;
    if (p < end && *p == '^')
        p++;
    if (p < end && *p == ']')            /* a ']' first is a member */
        p++;
    while (p < end && *p != ']') {
        if (*p == '%' && p + 1 < end)
            p++;
        p++;
    }
    return p < end ? p + 1 : end;
}

/* Only closing parentheses and an end anchor are left. */
static int only_closing(const char *p, const char *end)
{
    while (p < end && *p == ')')
        p++;
    return p == end || (*p == '$' && p + 1 == end);
}

#define MAX_ITEMS 64   /* choice points measured one by one; past them, R = n */

double patcost_log10(const char *p, size_t lp, const char *s, size_t n, int anchored_ok,
                     size_t *scanned)
{
    const char *end = p + lp;
    int anchored = anchored_ok && lp > 0 && *p == '^';
    if (anchored)
        p++;
    item branching[MAX_ITEMS], trailing[MAX_ITEMS];
    int nbranch = 0, ntrail = 0, extra_branch = 0, extra_trail = 0, q = 0;
    double linear_n = 0;   /* multiples of n of linear work per leaf (%b, back-references) */
    while (p < end) {
        item it = { p, p + 1 };
        int single = 1;
        if (*p == '%' && p + 1 < end) {
            char d = p[1];
            if (d == 'b') {
                it.end = p + 4 <= end ? p + 4 : end;
                single = 0;
                linear_n += 1;
            } else if (d == 'f') {
                it.end = p + 2 < end && p[2] == '[' ? skip_set(p + 2, end) : end;
                single = 0;
            } else if (d >= '0' && d <= '9') {
                it.end = p + 2;
                single = 0;
                linear_n += 1;
            } else {
                it.end = p + 2;
            }
        } else if (*p == '[') {
            it.end = skip_set(p, end);
        } else if (*p == '(' || *p == ')') {
            single = 0;
        }
        p = it.end;
        if (single && p < end) {
            if (*p == '*' || *p == '+' || *p == '-') {
                p++;
                if (only_closing(p, end)) {
                    if (ntrail < MAX_ITEMS) trailing[ntrail++] = it; else extra_trail++;
                } else {
                    if (nbranch < MAX_ITEMS) branching[nbranch++] = it; else extra_branch++;
                }
            } else if (*p == '?') {
                p++;
                q++;
            }
        }
    }
    double logn1 = log10((double)n + 1);
    double starts = anchored ? 0 : logn1;
    /* the rough bound first: every R = n */
    double rough = starts + (nbranch + extra_branch) * logn1 + q * log10(2.0)
                 + log10((double)lp + 1 + (ntrail + extra_trail + linear_n) * ((double)n + 1));
    *scanned = 0;
    if (rough <= 6 || nbranch + ntrail == 0)
        return rough;
    double prod = extra_branch * logn1, lin = (double)lp + 1 + (extra_trail + linear_n) * ((double)n + 1);
    for (int i = 0; i < nbranch; i++) {
        prod += log10((double)longest_run(&branching[i], s, n) + 1);
        *scanned += n;
    }
    for (int i = 0; i < ntrail; i++) {
        lin += (double)longest_run(&trailing[i], s, n);
        *scanned += n;
    }
    return starts + prod + q * log10(2.0) + log10(lin);
}
