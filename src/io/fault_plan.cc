#include "io/fault_plan.h"

#include <cerrno>
#include <charconv>
#include <fmt/format.h>

#include "io/input_error.h"
#include "linux/kernel/errno.h"

namespace atslab::faults {

namespace {
int parse_errno(std::string_view v) {
  static const std::pair<std::string_view, int> table[] = {{"-EINVAL", -EINVAL}, {"-EBUSY", -EBUSY}, {"-ENOMEM", -ENOMEM},
                                                          {"-EIO", -EIO},       {"-ENODEV", -ENODEV}, {"-EOPNOTSUPP", -EOPNOTSUPP}};
  for (const auto& [n, e] : table)
    if (v == n) return e;
  int x = 0;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), x);
  if (ec != std::errc() || p != v.data() + v.size() || x >= 0 || x < -4095)
    throw InputError(fmt::format("fault plan: bad error '{}' (expected -EINVAL, -EBUSY, -ENOMEM, -EIO, -ENODEV, -EOPNOTSUPP or a negative number)", v));
  return x;
}
}  // namespace

std::vector<Rule> parse_plan(std::string_view text) {
  std::vector<Rule> rules;
  if (text.find_first_not_of(' ') == std::string_view::npos) return rules;  // no plan
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find_first_of(",;", pos);
    std::string_view item = text.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
    pos = end == std::string_view::npos ? text.size() + 1 : end + 1;
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    // ",," or a trailing comma is a typo (a rule lost in editing), not "nothing here".
    if (item.empty()) throw InputError(fmt::format("fault plan: '{}': an empty rule between separators", text));
    Rule r;
    size_t colon = item.find(':');
    std::string_view pname = item.substr(0, colon);
    auto p = parse_point(pname);
    if (!p) {
      std::string known;
      for (size_t i = 0; i < kPointCount; ++i) known += (known.empty() ? "" : ", ") + std::string(name(static_cast<Point>(i)));
      throw InputError(fmt::format("fault plan: unknown injection point '{}' (known: {})", pname, known));
    }
    r.point = *p;
    std::string_view rest = colon == std::string_view::npos ? std::string_view{} : item.substr(colon + 1);
    while (!rest.empty()) {
      size_t c = rest.find(':');
      std::string_view opt = rest.substr(0, c);
      rest = c == std::string_view::npos ? std::string_view{} : rest.substr(c + 1);
      size_t eq = opt.find('=');
      std::string_view key = opt.substr(0, eq), val = eq == std::string_view::npos ? std::string_view{} : opt.substr(eq + 1);
      if (key == "always" && eq == std::string_view::npos) {
        r.always = true;
      } else if (key == "nth") {
        auto [q, ec] = std::from_chars(val.data(), val.data() + val.size(), r.nth);
        if (ec != std::errc() || q != val.data() + val.size() || r.nth == 0)
          throw InputError(fmt::format("fault plan: '{}': nth wants a whole number >= 1", item));
      } else if (key == "p") {
        double prob = -1;
        try {
          size_t used = 0;
          prob = std::stod(std::string(val), &used);
          if (used != val.size()) prob = -1;
        } catch (...) {
        }
        if (!(prob >= 0.0 && prob <= 1.0)) throw InputError(fmt::format("fault plan: '{}': p wants a probability from 0 to 1", item));
        r.per_million = static_cast<uint32_t>(prob * 1e6 + 0.5);
      } else if (key == "step" && !val.empty()) {
        r.step = std::string(val);
      } else if (key == "err") {
        r.error = parse_errno(val);
      } else {
        throw InputError(fmt::format("fault plan: '{}': unknown option '{}' (expected nth=N, p=P, step=NAME, always, err=-E...)", item, opt));
      }
    }
    if (!r.nth && !r.per_million && !r.always && r.step.empty())
      throw InputError(fmt::format("fault plan: '{}' says when it fires (nth=N, p=P, step=NAME or always)", item));
    if (!r.step.empty() && !r.nth && !r.per_million) r.always = true;
    rules.push_back(std::move(r));
  }
  return rules;
}

}  // namespace atslab::faults
