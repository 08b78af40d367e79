// atslab invariants: what each numbered invariant says, so that "#23" in any output can be read
// without the specification at hand.
#include <fmt/format.h>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "check/invariant_catalogue.h"
#include "check/invariants.h"
#include "command.h"
#include "io/input_error.h"

namespace {

struct InvariantsOptions {
  std::vector<int> numbers;
  bool json = false;
};

atslab::cli::Register reg{
    "invariants", "What each numbered invariant the checker reports says",
    [](CLI::App& sub) {
      auto o = std::make_shared<InvariantsOptions>();
      sub.add_option("number", o->numbers, "Invariants to print (default: all)")
          ->check(CLI::Range(0, atslab::check::kLastInvariant));
      sub.add_flag("--json", o->json, "Print one JSON array");
      return [o]() -> int {
        using namespace atslab;
        std::vector<int> numbers = o->numbers;
        if (numbers.empty())
          for (int n = 0; n <= check::kLastInvariant; ++n) numbers.push_back(n);
        nlohmann::json out = nlohmann::json::array();
        for (int n : numbers) {
          const auto& i = check::invariant_info(n);
          if (o->json)
            out.push_back({{"invariant", n}, {"area", std::string(i.area)}, {"statement", std::string(i.statement)}});
          else
            fmt::print("{:>2}  {:<17} {}\n", n, i.area, i.statement);
        }
        if (o->json) std::cout << out.dump(2) << "\n";
        return 0;
      };
    }};

}  // namespace
