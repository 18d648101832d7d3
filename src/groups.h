/* groups.h — how techno / pro minimum rates become reserved seats
 * (docs/ordre-appel.md §7): a group of ⌈m·C/100⌉ seats ranked among the bac
 * techno (or pro) candidates, and a group for everyone else with the remaining seats. */
#ifndef ADMIT_GROUPS_H
#define ADMIT_GROUPS_H

enum { GROUP_OTHER = 0, GROUP_TECHNO = 1, GROUP_PRO = 2, NGROUPS = 3 };
enum { BAC_GENERAL = 0, BAC_TECHNO = 1, BAC_PRO = 2 };

/* Seats per group for a formation of `capacity` seats with minimum rates (percent,
 * 0 = none). Reserved groups are served first (pro, then techno) and never exceed what
 * is left; the other group gets the rest. caps[GROUP_*] receive the seats. */
void groups_split(int capacity, int min_techno, int min_pro, int caps[NGROUPS]);

/* The group a candidate of bac `bac` (BAC_*) competes in, given the split. */
int groups_of_bac(int bac, const int caps[NGROUPS], int min_techno, int min_pro);

#endif
