/* --status --adjust: each process an [adjust:] rule matches, with the
 * value the rule wants and the one it has now. */
#include "json.h"
#include "status_internal.h"
#include "util.h"

void status_print_adjust_text(const struct status_view *v, FILE *out) {
        fprintf(out, "adjust rules: %zu\n", v->policy->n_adjust);
        for (size_t i = 0; i < v->n_adjust_rows; i++) {
                const struct status_adjust_row *r = &v->adjust_rows[i];
                char comm[COMM_MAX];
                sanitize_copy(comm, sizeof(comm), r->comm);
                if (i == 0)
                        fprintf(out, "%-8s %-16s %-16s %7s %7s %s\n", "PID", "COMM", "RULE", "WANTED", "CURRENT",
                                "ENFORCE");
                fprintf(out, "%-8d %-16s %-16s %7d %7d %s\n", (int)r->pid, comm, r->rule, r->wanted, r->current,
                        r->enforce ? "yes" : "no");
        }
        fprintf(out, "processes matched by adjust rules: %zu\n", v->n_adjust_rows);
}

void status_print_adjust_json(const struct status_view *v, FILE *out) {
        fputs(",\"adjust\":[", out);
        for (size_t i = 0; i < v->n_adjust_rows; i++) {
                const struct status_adjust_row *r = &v->adjust_rows[i];
                fprintf(out, "%s{\"pid\":%d,\"comm\":", i ? "," : "", (int)r->pid);
                json_print_string(out, r->comm);
                fputs(",\"rule\":", out);
                json_print_string(out, r->rule);
                fprintf(out, ",\"wanted\":%d,\"current\":%d,\"enforce\":%s}", r->wanted, r->current,
                        r->enforce ? "true" : "false");
        }
        fputs("]", out);
}
