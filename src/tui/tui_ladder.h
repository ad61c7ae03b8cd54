/* tui_ladder.h - a connection's ladder in the TUI (tui_ladder.c). */
#ifndef STRATA_TUI_LADDER_H
#define STRATA_TUI_LADDER_H

#include "tui_int.h"

/* Work out the ladder of connection r (reading its packets again). */
void ladder_build(tui_t *t, const flow_rec_t *r);
void ladder_draw(tui_t *t);

#endif
