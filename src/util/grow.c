/* The one way arrays grow (see util.h). */
#include <stdlib.h>

#include "util.h"

int grow_array(void **array, size_t *cap, size_t need, size_t elem_size) {
        if (need <= *cap)
                return 0;
        /* Double (at least 8) for growth one by one; a jump beyond that
         * gets exactly what it asked for. */
        size_t want = *cap >= 8 ? (*cap <= SIZE_MAX / 2 ? *cap * 2 : SIZE_MAX) : 8;
        if (want < need)
                want = need;
        void *p = reallocarray(*array, want, elem_size); /* fails on n * size overflow */
        if (!p)
                return -ENOMEM;
        *array = p;
        *cap = want;
        return 0;
}
