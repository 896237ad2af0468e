/* --status --adjust: each process an [adjust:] rule matches, with the
 * value the rule wants and the one it has now. */
#include "outputs/status.h"
#include "util.h"

struct rows {
        FILE *out;
        size_t n;
};

static void text_row(const struct adjust_seen *s, void *userdata) {
        struct rows *r = userdata;
        char comm[COMM_MAX];
        sanitize_copy(comm, sizeof(comm), s->comm);
        if (r->n++ == 0)
                fprintf(r->out, "%-8s %-16s %-16s %7s %7s %s\n", "PID", "COMM", "RULE", "WANTED", "CURRENT",
                        "ENFORCE");
        fprintf(r->out, "%-8d %-16s %-16s %7d %7d %s\n", (int)s->pid, comm, s->rule->name,
                s->rule->oom_score_adj, s->current, s->rule->enforce ? "yes" : "no");
}

void status_print_adjust_text(struct guard *g, FILE *out) {
        struct rows r = { out, 0 };
        fprintf(out, "adjust rules: %zu\n", g->policy.n_adjust);
        adjust_list(&g->adjuster, text_row, &r);
        fprintf(out, "processes matched by adjust rules: %zu\n", r.n);
}

static void json_row(const struct adjust_seen *s, void *userdata) {
        struct rows *r = userdata;
        fprintf(r->out, "%s{\"pid\":%d,\"comm\":", r->n++ ? "," : "", (int)s->pid);
        json_print_string(r->out, s->comm);
        fputs(",\"rule\":", r->out);
        json_print_string(r->out, s->rule->name);
        fprintf(r->out, ",\"wanted\":%d,\"current\":%d,\"enforce\":%s}", s->rule->oom_score_adj,
                s->current, s->rule->enforce ? "true" : "false");
}

void status_print_adjust_json(struct guard *g, FILE *out) {
        struct rows r = { out, 0 };
        fputs(",\"adjust\":[", out);
        adjust_list(&g->adjuster, json_row, &r);
        fputs("]", out);
}
