/* The one way arrays grow (see util.h). */
#include <stdlib.h>

#include "util.h"

int grow_array(void **array, size_t *cap, size_t need, size_t elem_size) {
        if (need <= *cap)
                return 0;
        size_t want = *cap >= 8 ? *cap : 8;
        while (want < need) {
                if (want > SIZE_MAX / 2)
                        return -ENOMEM;
                want *= 2;
        }
        void *p = reallocarray(*array, want, elem_size); /* fails on n * size overflow */
        if (!p)
                return -ENOMEM;
        *array = p;
        *cap = want;
        return 0;
}
