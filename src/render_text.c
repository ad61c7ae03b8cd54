/* PLACEHOLDER */ typedef int strata_placeholder_render_text;
