#include "io/report_picture.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <tuple>

#include "io/html_escape.h"
#include "linux/kernel/record.h"

namespace atslab::io {

namespace {

// Geometry, in SVG user units (pixels at 100%).
constexpr double kLabelWidth = 250;  // the lane names' column
constexpr double kLaneHeight = 20;
constexpr double kGroupGap = 26;     // room for a device's header line
constexpr size_t kStepNameChars = 44;

struct Cell {
  std::string text;
  std::string cls;  // on, off, num, none
  std::string title;
};

// One lane of a device group: its name, which side of the story it tells, and each step's cell.
struct Lane {
  std::string name;
  bool hardware = false;
  std::function<std::optional<Cell>(const sim::DeviceFinalState&)> cell;
};

const sim::DeviceFinalState* at(const sim::StepResult& st, const std::string& bdf) {
  for (const auto& d : st.devices)
    if (d.bdf == bdf) return &d;
  return nullptr;
}

std::vector<Lane> lanes_for(const std::string& belief_field) {
  std::vector<Lane> l;
  l.push_back({"ATS Enable (ATS Control)", true, [](const sim::DeviceFinalState& d) -> std::optional<Cell> {
                 if (!d.ats_cap) return Cell{"no ATS", "none", "the function has no ATS capability"};
                 return Cell{d.ats_enable ? "1" : "0", d.ats_enable ? "on" : "off",
                             fmt::format("ATS Control: Enable={} STU={}", d.ats_enable ? 1 : 0, d.stu)};
               }});
  l.push_back({"STE.EATS", true, [](const sim::DeviceFinalState& d) -> std::optional<Cell> {
                 if (!d.ste_eats) return std::nullopt;
                 static const char* kNames[] = {"ABT", "TRANS", "S1CHK", "3"};
                 return Cell{kNames[*d.ste_eats & 3], *d.ste_eats ? "on" : "off",
                             fmt::format("the STE of its first StreamID: EATS={}", *d.ste_eats)};
               }});
  l.push_back({belief_field, false, [belief_field](const sim::DeviceFinalState& d) -> std::optional<Cell> {
                 if (!d.belief) return std::nullopt;
                 return Cell{*d.belief ? "true" : "false", *d.belief ? "on" : "off", belief_field};
               }});
  l.push_back({"its domain's nr_ats_masters", false, [](const sim::DeviceFinalState& d) -> std::optional<Cell> {
                 if (!d.nr_ats_masters) return std::nullopt;
                 return Cell{std::to_string(*d.nr_ats_masters), "num",
                             "smmu_domain->nr_ats_masters of the paging domain it is attached to"};
               }});
  l.push_back({"its ATS entry in the domain's invs", false, [](const sim::DeviceFinalState& d) -> std::optional<Cell> {
                 if (!d.invs_ats_entry) return std::nullopt;
                 return Cell{*d.invs_ats_entry ? "yes" : "no", *d.invs_ats_entry ? "on" : "off",
                             "a live ATS entry for its first StreamID in smmu_domain->invs"};
               }});
  return l;
}

// A mark's text and tooltip for the violations found in one step: the invariants' numbers in the
// order first found, and each violation on a line of its own. `bdf`: only those naming that
// device ("" for all). Empty text: none.
struct ViolationMark {
  std::string text, title;
};
ViolationMark violation_mark(const std::vector<const check::Violation*>& found, const std::string& bdf) {
  ViolationMark m;
  std::vector<int> nums;
  for (const auto* v : found) {
    if (!bdf.empty() && v->objects.find(bdf) == std::string::npos) continue;
    if (std::find(nums.begin(), nums.end(), v->invariant) == nums.end()) nums.push_back(v->invariant);
    m.title += fmt::format("{}invariant {}: {}: {}", m.title.empty() ? "" : "\n", v->invariant, v->objects, v->detail);
  }
  for (int k : nums) m.text += (m.text.empty() ? "" : ",") + std::to_string(k);
  return m;
}

std::string shorten(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  return s.substr(0, n - 1) + "\u2026";
}

}  // namespace

std::string bug_picture(const sim::ScenarioResult& r, const std::string& id, size_t max_devices) {
  if (r.steps.empty()) return "";
  const size_t n = r.steps.size();
  const double cw = std::clamp(1100.0 / double(n), 40.0, 90.0);
  auto x = [&](size_t i) { return kLabelWidth + cw * double(i); };

  // The devices, in order of first appearance; first those the workload used and whose belief and
  // hardware part, then those that part, those a violation names, and those the workload used.
  std::vector<std::string> bdfs;
  std::map<std::string, std::string> field;  // bdf -> its belief field's name
  std::map<std::string, bool> diverges, named, ats;
  for (const auto& st : r.steps)
    for (const auto& d : st.devices) {
      if (!field.count(d.bdf)) bdfs.push_back(d.bdf), field[d.bdf] = d.belief_field;
      if (!d.belief_field.empty()) field[d.bdf] = d.belief_field;
      diverges[d.bdf] = diverges[d.bdf] || sim::apart(d);
      ats[d.bdf] = ats[d.bdf] || d.ats_cap;
    }
  // A function without an ATS capability (a root port, say) has no ATS state to draw.
  const auto no_ats = std::erase_if(bdfs, [&](const std::string& b) { return !ats[b]; });
  for (const auto& v : r.violations)
    for (const auto& b : bdfs)
      if (v.objects.find(b) != std::string::npos) named[b] = true;
  std::map<std::string, bool> used;
  for (const auto& st : r.steps)
    if (!st.device.empty()) used[st.device] = true;
  auto rank = [&](const std::string& b) {
    return std::tuple{!(used[b] && diverges[b]), !diverges[b], !named[b], !used[b]};
  };
  std::stable_sort(bdfs.begin(), bdfs.end(), [&](const std::string& a, const std::string& b) { return rank(a) < rank(b); });
  const size_t left = bdfs.size() > max_devices ? bdfs.size() - max_devices : 0;
  bdfs.resize(std::min(bdfs.size(), max_devices));

  // Each group's lanes: those with a value at some step.
  struct Group {
    std::string bdf;
    std::vector<Lane> lanes;
  };
  std::vector<Group> groups;
  for (const auto& b : bdfs) {
    Group g{b, {}};
    for (auto& lane : lanes_for(field[b].empty() ? "the driver's ATS flag" : field[b])) {
      bool any = false;
      for (const auto& st : r.steps)
        if (const auto* d = at(st, b); d && !d->removed && lane.cell(*d)) any = true;
      if (any) g.lanes.push_back(std::move(lane));
    }
    groups.push_back(std::move(g));
  }

  // Heights: two run-wide lanes, the groups, then the step names at an angle.
  size_t longest = 0;
  for (const auto& st : r.steps) longest = std::max(longest, std::min(st.what.size(), kStepNameChars));
  const double names_h = 20 + 7.2 * double(longest) * 0.82;  // sin 55 degrees; about 7 px a character at 11 px
  double h = 8 + 2 * kLaneHeight + 6;
  for (const auto& g : groups) h += kGroupGap + kLaneHeight * double(std::max<size_t>(g.lanes.size(), 1) + 1);
  const double body_h = h;
  h += names_h;
  const double w = x(n) + 12;

  std::string o = fmt::format(
      "<div class=\"picwrap\"><svg id=\"{}\" class=\"bugpic\" viewBox=\"0 0 {:.0f} {:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\" "
      "role=\"img\" aria-label=\"per device, the hardware's truth and the driver's belief over the run's steps\">",
      html_escape(id), w, h, w, h);
  // Column highlights first, under everything: the script lights the hovered step's column.
  for (size_t i = 0; i < n; ++i)
    o += fmt::format("<rect class=\"col\" data-step=\"{}\" x=\"{:.1f}\" y=\"0\" width=\"{:.1f}\" height=\"{:.1f}\"/>", i, x(i), cw,
                     body_h);

  double y = 8;
  // A lane's name (coloured by `cls`: run, hardware or driver) and its outline across the steps
  // (classed `box`, which is `cls` unless given).
  // The lane and device names go last, in a group of their own that the script keeps in view when
  // a long picture is scrolled sideways (drawn over a white column so the cells pass beneath).
  std::string names;
  auto draw_lane = [&](const std::string& name, const std::string& cls, double at_y, const std::string& box = "") {
    names += fmt::format("<text class=\"lane-name {}\" x=\"{:.1f}\" y=\"{:.1f}\">{}</text>", cls, kLabelWidth - 6,
                     at_y + kLaneHeight * 0.68, html_escape(name));
    o += fmt::format("<rect class=\"lane {}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>",
                     box.empty() ? cls : box, kLabelWidth, at_y, cw * double(n), kLaneHeight);
  };
  // Run-wide lanes: the kernel's WARNs and KASAN reports, and every violation by number.
  // WARNs and KASAN reports in the order the kernel printed them.
  std::vector<std::pair<uint64_t, std::string>> printed;
  for (const auto& wr : r.final.record.warnings)
    printed.emplace_back(wr.seq, fmt::format("WARNING in {} ({}:{})", kernel::name(wr.function), wr.file, wr.line));
  for (const auto& b : r.final.record.bugs)
    printed.emplace_back(b.seq, fmt::format("BUG: {} in {}", b.bug, kernel::name(b.function)));
  std::stable_sort(printed.begin(), printed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::map<size_t, std::vector<std::string>> warns;
  for (const auto& [seq, text] : printed) warns[sim::step_at(r, seq)].push_back(text);
  std::map<size_t, std::vector<const check::Violation*>> viol_at;
  for (const auto& v : r.violations) viol_at[sim::step_at(r, v.seq)].push_back(&v);
  draw_lane("WARN / KASAN", "run", y);
  for (const auto& [i, list] : warns) {
    std::string title;
    for (const auto& t : list) title += (title.empty() ? "" : "\n") + t;
    o += fmt::format("<g class=\"mark warn\" data-step=\"{}\"><title>{}</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                     "height=\"{:.1f}\" rx=\"3\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text></g>",
                     i, html_escape(title), x(i) + 2, y + 2, cw - 4, kLaneHeight - 4, x(i) + cw / 2, y + kLaneHeight * 0.68,
                     list.size() == 1 ? "WARN" : fmt::format("{} WARN", list.size()));
  }
  y += kLaneHeight;
  draw_lane("invariants violated", "run", y);
  for (const auto& [i, list] : viol_at) {
    const auto [text, title] = violation_mark(list, "");
    o += fmt::format("<g class=\"mark viol\" data-step=\"{}\"><title>{}</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                     "height=\"{:.1f}\" rx=\"3\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text></g>",
                     i, html_escape(title), x(i) + 2, y + 2, cw - 4, kLaneHeight - 4, x(i) + cw / 2, y + kLaneHeight * 0.68,
                     html_escape(shorten(text, size_t(cw / 6.5))));
  }
  y += kLaneHeight + 6;

  for (const auto& g : groups) {
    // Where belief and hardware part, step by step; the header names the first such step.
    std::vector<bool> parted(n, false);
    std::optional<size_t> first;
    for (size_t i = 0; i < n; ++i)
      if (const auto* d = at(r.steps[i], g.bdf); d && sim::apart(*d)) {
        parted[i] = true;
        if (!first) first = i;
      }
    y += kGroupGap;
    std::string header = g.bdf;
    if (first)
      header += fmt::format(" \u2014 the driver's belief and the hardware part at step {} ({})", *first, r.steps[*first].what);
    names += fmt::format("<text class=\"group-name\" x=\"8\" y=\"{:.1f}\">{}</text>", y - 8, html_escape(header));
    const double group_top = y;
    const double group_h = kLaneHeight * double(g.lanes.size() + 1);
    for (const auto& lane : g.lanes) {
      draw_lane(lane.name, lane.hardware ? "hardware" : "driver", y);
      for (size_t i = 0; i < n; ++i) {
        const auto* d = at(r.steps[i], g.bdf);
        if (!d) continue;  // not enumerated yet
        std::optional<Cell> c = d->removed ? std::optional<Cell>(Cell{"gone", "none", "removed"}) : lane.cell(*d);
        if (!c) continue;
        o += fmt::format("<g class=\"cell {}\" data-step=\"{}\"><title>{}</title><rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" "
                         "height=\"{:.1f}\"/><text x=\"{:.1f}\" y=\"{:.1f}\">{}</text></g>",
                         c->cls, i, html_escape(c->title), x(i) + 1, y + 1, cw - 2, kLaneHeight - 2, x(i) + cw / 2,
                         y + kLaneHeight * 0.68, html_escape(c->text));
      }
      y += kLaneHeight;
    }
    // The shading goes over the cells (it lets the pointer through to them).
    for (size_t i = 0; i < n; ++i)
      if (parted[i])
        o += fmt::format("<rect class=\"divergence\" data-step=\"{}\" x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\"/>",
                         i, x(i), group_top, cw, group_h);
    // The violations that name this device, on its own marks lane.
    draw_lane("violations naming it", "driver", y, "marks");
    for (const auto& [i, list] : viol_at) {
      const auto [text, title] = violation_mark(list, g.bdf);
      if (text.empty()) continue;
      o += fmt::format("<g class=\"mark viol\" data-step=\"{}\"><title>{}</title><circle cx=\"{:.1f}\" cy=\"{:.1f}\" r=\"{:.1f}\"/>"
                       "<text x=\"{:.1f}\" y=\"{:.1f}\">{}</text></g>",
                       i, html_escape(title), x(i) + cw / 2, y + kLaneHeight / 2, kLaneHeight / 2 - 2, x(i) + cw / 2,
                       y + kLaneHeight * 0.68, html_escape(shorten(text, size_t(cw / 6.5))));
    }
    y += kLaneHeight;
  }

  o += fmt::format("<g class=\"names\"><rect class=\"names-bg\" x=\"0\" y=\"0\" width=\"{:.1f}\" height=\"{:.1f}\"/>{}</g>",
                   kLabelWidth, body_h, names);
  // Step names under their columns, at an angle so long names stay readable.
  for (size_t i = 0; i < n; ++i) {
    const auto& st = r.steps[i];
    const double cx = x(i) + cw / 2, cy = body_h + 10;
    o += fmt::format("<text class=\"step-name{}\" data-step=\"{}\" transform=\"rotate(-55 {:.1f} {:.1f})\" x=\"{:.1f}\" "
                     "y=\"{:.1f}\"><title>{} \u2192 {}</title>{}: {}</text>",
                     st.ret ? " err" : "", i, cx, cy, cx, cy, html_escape(st.what), st.ret, i, html_escape(shorten(st.what, kStepNameChars)));
  }
  o += "</svg></div>";
  o += fmt::format("<p class=\"caption\" id=\"{}-caption\">Hover a column for its step and return value. Shaded: the "
                   "driver's belief (or the STE's EATS, or the array's entry) and the Enable bit disagree.{}{}</p>",
                   html_escape(id), left ? fmt::format(" {} more device(s) not drawn.", left) : std::string(),
                   no_ats ? fmt::format(" {} function(s) without an ATS capability not drawn.", no_ats) : std::string());
  return o;
}

std::string bug_picture_error_trap() {
  return R"(<script>window.atslabErrors=[];document.documentElement.setAttribute('data-script-errors','0');
window.addEventListener('error',function(e){window.atslabErrors.push(String(e.message));
document.documentElement.setAttribute('data-script-errors',String(window.atslabErrors.length));});</script>)";
}

std::string bug_picture_script() {
  return R"(<script>(function(){
var pics=document.querySelectorAll('svg.bugpic');
pics.forEach(function(svg){
  var cap=document.getElementById(svg.id+'-caption');
  var wrap=svg.parentNode,names=svg.querySelector('g.names');
  if(wrap&&names)wrap.addEventListener('scroll',function(){names.setAttribute('transform','translate('+wrap.scrollLeft+',0)');});
  var steps={};
  svg.querySelectorAll('text.step-name').forEach(function(t){steps[t.getAttribute('data-step')]=t.querySelector('title').textContent;});
  svg.addEventListener('mouseover',function(e){
    var el=e.target.closest('[data-step]');
    if(!el)return;
    var k=el.getAttribute('data-step');
    svg.querySelectorAll('rect.col.hover').forEach(function(h){h.classList.remove('hover');});
    var col=svg.querySelector('rect.col[data-step="'+k+'"]');
    if(col)col.classList.add('hover');
    if(cap)cap.textContent='step '+k+': '+steps[k];
  });
});
document.documentElement.setAttribute('data-atslab-pictures',String(pics.length));
})();</script>)";
}

std::string bug_picture_css() {
  return R"(.picwrap{overflow-x:auto}.bugpic text{font-size:11px;dominant-baseline:auto}
.bugpic .col{fill:transparent}.bugpic .col.hover{fill:#fff3b0}
.bugpic .lane{fill:none;stroke:#ddd}.bugpic .lane-name{text-anchor:end;fill:#333}.bugpic .lane-name.hardware{fill:#0b5}
.bugpic .lane-name.driver{fill:#36c}.bugpic .lane-name.run{fill:#a00;font-weight:600}
.bugpic .group-name{font-weight:600;font-size:12px;fill:#222}.bugpic .names-bg{fill:#fff}
.bugpic .cell rect{stroke:#fff}.bugpic .cell text,.bugpic .mark text{text-anchor:middle}
.bugpic .cell.on rect{fill:#7c7}.bugpic .cell.off rect{fill:#ddd}.bugpic .cell.num rect{fill:#cde}.bugpic .cell.none rect{fill:#f4f4f4}
.bugpic .divergence{fill:#f33;fill-opacity:.22;pointer-events:none}
.bugpic .mark.warn rect{fill:#c00}.bugpic .mark.warn text{fill:#fff;font-weight:600}
.bugpic .mark.viol rect,.bugpic .mark.viol circle{fill:#e80}.bugpic .mark.viol text{fill:#000;font-weight:600}
.bugpic .step-name{text-anchor:end;fill:#333}.bugpic .step-name.err{fill:#c00}
.caption{font-size:12px;color:#555;margin:0 0 1em 0})";
}

}  // namespace atslab::io
