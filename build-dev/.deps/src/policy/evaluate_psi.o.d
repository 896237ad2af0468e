build-dev/src/policy/evaluate_psi.o: src/policy/evaluate_psi.c \
 src/policy/evaluate_internal.h include/policy/policy.h include/units.h \
 include/policy/adjust_rule.h include/policy/matcher.h \
 include/sources/zoneinfo.h include/sources/psi.h
src/policy/evaluate_internal.h:
include/policy/policy.h:
include/units.h:
include/policy/adjust_rule.h:
include/policy/matcher.h:
include/sources/zoneinfo.h:
include/sources/psi.h:
