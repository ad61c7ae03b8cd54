/* PLACEHOLDER */ typedef int strata_placeholder_stats;
