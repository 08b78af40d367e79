#pragma once
// The picture of the bug in `atslab report` (issue 17): per device, the hardware's truth (ATS
// Enable, STE.EATS) and the driver's belief (master->ats_enabled or the VT-d/AMD flag, its
// domain's nr_ats_masters, its ATS entry in the invalidation array) as lanes over the run's
// steps; the steps where belief and hardware part shaded; WARNs and violations marked on the
// same axis; every step named under its column, so the picture reads without hovering.
#include <string>

#include "sim/scenario_run.h"

namespace atslab::io {

// An inline SVG with a caption line under it, or "" for a run without steps. `id` must be unique
// within the page (the script finds each picture's caption by it). At most `max_devices` device
// groups are drawn, those whose belief and hardware part first; a line says how many were left.
std::string bug_picture(const sim::ScenarioResult& r, const std::string& id, size_t max_devices = 8);

// What the page needs once: the error trap (first thing in <head>, so that it sees errors in any
// later script) and the script that names a hovered column's step in its caption. The script sets
// data-atslab-pictures on <html> to the number of pictures it wired, and the trap sets
// data-script-errors to the number of uncaught errors: the browser test reads both.
std::string bug_picture_error_trap();
std::string bug_picture_script();
// The pictures' CSS rules.
std::string bug_picture_css();

}  // namespace atslab::io
