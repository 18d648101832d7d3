/* groups.c — reserved seats for the techno (IUT) and pro (BTS) minimum rates. */
#include "groups.h"

/* ⌈m·C/100⌉ in integers. */
static int reserved(int capacity, int min_pct)
{
    if (min_pct <= 0 || capacity <= 0)
        return 0;
    return (int)(((long long)min_pct * capacity + 99) / 100);
}

void groups_split(int capacity, int min_techno, int min_pro, int caps[NGROUPS])
{
    int left = capacity > 0 ? capacity : 0;
    caps[GROUP_PRO] = reserved(capacity, min_pro);
    if (caps[GROUP_PRO] > left) caps[GROUP_PRO] = left;
    left -= caps[GROUP_PRO];
    caps[GROUP_TECHNO] = reserved(capacity, min_techno);
    if (caps[GROUP_TECHNO] > left) caps[GROUP_TECHNO] = left;
    left -= caps[GROUP_TECHNO];
    caps[GROUP_OTHER] = left;
}

int groups_of_bac(int bac, const int caps[NGROUPS], int min_techno, int min_pro)
{
    (void)caps;
    if (bac == BAC_TECHNO && min_techno > 0) return GROUP_TECHNO;
    if (bac == BAC_PRO && min_pro > 0) return GROUP_PRO;
    return GROUP_OTHER;
}
