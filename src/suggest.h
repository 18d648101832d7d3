/* suggest.h — "did you mean …?": the closest of a list of names to a mistyped one, by edit
 * distance on the folded forms (case and accents ignored, '_' '-' and spaces alike). */
#ifndef ADMIT_SUGGEST_H
#define ADMIT_SUGGEST_H

#include <stddef.h>

/* Folds s[0..len) into out (cap bytes, NUL-terminated): ASCII lower case, Latin accents
 * dropped (é → e, Œ → oe), every run of other characters (spaces, '_', '-', '°', quotes...)
 * one space, none at either end. Returns the folded length. */
size_t suggest_fold(const char *s, size_t len, char *out, size_t cap);

/* The entry of names[0..n) closest to word when close enough to be a likely typo
 * (distance at most 1 for short words, about a third of the length for longer ones),
 * or NULL. An entry equal to word once folded is returned too. */
const char *suggest_closest(const char *word, const char *const *names, size_t n);

#endif
