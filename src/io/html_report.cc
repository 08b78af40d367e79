#include "io/html_report.h"

#include <fmt/format.h>
#include <algorithm>
#include <map>
#include <set>

#include "io/html_escape.h"
#include "io/report_picture.h"
#include "linux/kernel/record.h"

namespace atslab::io {

namespace {

std::string esc(const std::string& s) { return html_escape(s); }

std::string list(const std::vector<int>& v) {
  std::string o;
  for (int n : v) o += (o.empty() ? "" : ", ") + std::to_string(n);
  return o.empty() ? "&ndash;" : o;
}

}  // namespace

// One scenario's audit: a row per device, a column per variant; each cell says what the boot
// decided, what the hand-over to VFIO hit, and why, in text (no hovering needed).
std::string audit_table(const sim::Audit& a) {
  std::vector<policy::AtsVariant> variants;
  for (const auto& d : a.devices)
    for (const auto& v : d.verdicts)
      if (std::find(variants.begin(), variants.end(), v.variant) == variants.end()) variants.push_back(v.variant);
  std::string o = fmt::format("<h3>{}</h3>", esc(a.scenario));
  for (const auto& n : a.notes) o += "<p class=\"note\">note: " + esc(n) + "</p>";
  o += "<table class=\"audit\"><tr><th>device</th>";
  for (auto v : variants) o += "<th>" + esc(std::string(policy::name(v))) + "</th>";
  o += "</tr>";
  for (const auto& d : a.devices) {
    o += fmt::format("<tr><th>{}<br><small>{} &#183; {:04x}:{:04x} &#183; {}</small></th>", esc(d.bdf), esc(d.name), d.vendor,
                     d.device, esc(d.kind));
    for (auto var : variants) {
      const sim::AuditVerdict* v = nullptr;
      for (const auto& x : d.verdicts)
        if (x.variant == var) v = &x;
      if (!v) {
        o += "<td>&ndash;</td>";
        continue;
      }
      const bool apart = v->belief && *v->belief != v->hardware;
      const bool bad = apart || !v->warns.empty() || !v->handover_violations.empty() || !v->boot_violations.empty() ||
                       !v->handover_error.empty() || !v->probed;
      std::string cell = !v->probed ? std::string("no IOMMU (its probe failed)")
                                    : fmt::format("supported at probe: {}", v->supported_at_probe.value_or(false) ? "yes" : "no");
      cell += fmt::format("<br>driver {} &#183; hardware {}", !v->belief ? "&ndash;" : *v->belief ? "on" : "off",
                          v->hardware ? "on" : "off");
      if (!v->boot_violations.empty()) cell += "<br>invariants " + list(v->boot_violations) + " at boot";
      for (const auto& w : v->warns)
        cell += fmt::format("<br><b>WARN in {}</b> on <code>{}</code>", esc(w.function), esc(w.step));
      if (!v->handover_violations.empty()) cell += "<br>hand-over breaks " + list(v->handover_violations);
      if (!v->handover_error.empty()) cell += "<br>hand-over stopped: " + esc(v->handover_error);
      if (v->warns.empty() && v->handover_violations.empty() && v->handover_error.empty()) cell += "<br>hand-over clean";
      if (!v->why.empty()) {
        cell += "<ul class=\"why\">";
        for (const auto& w : v->why) cell += "<li>" + esc(w) + "</li>";
        cell += "</ul>";
      }
      o += fmt::format("<td class=\"{}\">{}</td>", bad ? "bad" : "ok", cell);
    }
    o += "</tr>";
  }
  return o + "</table>";
}

std::string html_report(const std::vector<ReportRun>& runs, const std::string& driver, const std::vector<sim::Audit>& audits) {
  std::vector<std::string> scenarios;
  std::vector<std::string> variants;
  std::map<std::pair<std::string, std::string>, const ReportRun*> cell;
  for (const auto& r : runs) {
    std::string sc = r.scenario->name, v(policy::name(r.result.variant));
    if (std::find(scenarios.begin(), scenarios.end(), sc) == scenarios.end()) scenarios.push_back(sc);
    if (std::find(variants.begin(), variants.end(), v) == variants.end()) variants.push_back(v);
    cell[{sc, v}] = &r;
  }
  std::string o = R"(<!doctype html><html lang="en"><head><meta charset="utf-8"><title>atslab report</title><style>
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top}th{background:#f4f4f4}
td.ok{background:#eef8ee}td.bad{background:#fdeeee}td.fail{outline:2px solid #c00}
pre{background:#f8f8f8;padding:8px;overflow-x:auto;font-size:12px}h2{margin-top:2em}
table.audit td{font-size:12px}ul.why{margin:4px 0 0 0;padding-left:1.2em;color:#444}p.note{color:#555;font-size:12px}
)" + bug_picture_css() + "</style>" + bug_picture_error_trap() + R"(</head><body><h1>atslab report</h1>
<p>Each cell: WARNs, violated invariants (kernel-semantics.md section 7), ATC invalidations sent to endpoints with ATS disabled, KASAN reports if any.
Red cells broke something; an outlined cell missed the scenario's expectation.
Each run that broke something or missed its expectation has its own section below: per device, the hardware's truth
(green lane names) and the driver's belief (blue) step by step, shaded where they disagree, with the kernel's WARNs and
the violated invariants on the same axis.</p>)";
  if (!driver.empty()) o += "<p>" + esc(driver) + "</p>";
  o += "<table><tr><th>scenario</th>";
  for (const auto& v : variants) o += "<th>" + esc(v) + "</th>";
  o += "</tr>";
  for (const auto& sc : scenarios) {
    o += "<tr><th>" + esc(sc) + "</th>";
    for (const auto& v : variants) {
      auto it = cell.find({sc, v});
      if (it == cell.end()) {
        o += "<td>&ndash;</td>";
        continue;
      }
      const auto& r = it->second->result;
      const auto& rec = r.final.record;
      bool bad = !rec.warnings.empty() || !rec.bugs.empty() || !r.violated.empty() || r.atc_inv_to_ats_disabled;
      o += fmt::format("<td class=\"{}{}\">{} WARN &#183; inv {} &#183; {} ATC_INV{}</td>", bad ? "bad" : "ok",
                       r.failed_expectations.empty() ? "" : " fail", rec.warnings.size(), list(r.violated),
                       r.atc_inv_to_ats_disabled, rec.bugs.empty() ? "" : fmt::format(" &#183; {} KASAN", rec.bugs.size()));
    }
    o += "</tr>";
  }
  o += "</table>";
  if (!audits.empty()) {
    o += "<h2>Audit: each device's ATS at boot, and its hand-over to VFIO</h2><p>Per device with an ATS capability: "
         "<code>pci_ats_supported()</code> at the IOMMU's probe, the driver's flag and the Enable bit once the machine is "
         "up (VFs enabled), the reasons in the order the kernel's code checks them, and what handing the device to VFIO "
         "and releasing it does (<code>atslab audit</code>).</p>";
    for (const auto& a : audits) o += audit_table(a);
  }

  size_t pictures = 0;
  for (const auto& r : runs) {
    const auto& res = r.result;
    if (res.violations.empty() && res.final.record.warnings.empty() && res.final.record.bugs.empty() &&
        res.failed_expectations.empty())
      continue;
    o += fmt::format("<h2>{} under {}</h2>", esc(r.scenario->name), policy::name(res.variant));
    for (const auto& f : res.failed_expectations) o += "<p><b>Expectation failed:</b> " + esc(f) + "</p>";
    o += bug_picture(res, fmt::format("pic{}", pictures++));
    if (!res.violations.empty()) {
      o += "<table><tr><th>#</th><th>objects</th><th>what</th><th>after step</th><th>steps leading there</th></tr>";
      std::set<int> shown;
      for (const auto& v : res.violations) {
        if (!shown.insert(v.invariant).second) continue;  // the first of each number
        std::string excerpt;
        // The step whose record span holds the check that found it (names repeat: the seq does not).
        const size_t at = sim::step_at(res, v.seq);
        for (size_t i = at >= 3 ? at - 3 : 0; i <= at && i < res.steps.size(); ++i)
          excerpt += fmt::format("{}{} &#8594; {}", excerpt.empty() ? "" : "<br>", esc(res.steps[i].what), res.steps[i].ret);
        o += fmt::format("<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", v.invariant, esc(v.objects), esc(v.detail),
                         esc(v.step), excerpt);
      }
      o += "</table>";
    }
    // WARN splats and KASAN reports in the order the kernel printed them.
    if (std::string splats = kernel::format_splats(res.final.record); !splats.empty()) o += "<pre>" + esc(splats) + "</pre>";
    for (const auto& b : res.final.record.log)
      if (b.level == kernel::Level::Err) o += "<pre>" + esc(kernel::format_dmesg(b)) + "</pre>";
  }
  return o + bug_picture_script() + "</body></html>\n";
}

}  // namespace atslab::io
