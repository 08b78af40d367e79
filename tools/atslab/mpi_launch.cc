#include "mpi_launch.h"

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <utility>

namespace atslab::cli {

Launched launched() {
  auto number = [](const char* name) -> std::optional<unsigned> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    const unsigned long n = std::strtoul(v, &end, 10);
    return *end == '\0' ? std::optional<unsigned>(static_cast<unsigned>(n)) : std::nullopt;
  };
  for (auto [rank, size] : {std::pair{"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE"}, std::pair{"PMIX_RANK", "PMIX_SIZE"},
                            std::pair{"PMI_RANK", "PMI_SIZE"}})
    if (auto n = number(size)) return {number(rank).value_or(0), *n};
  return {};
}

bool silence_other_ranks(const Launched& job) {
  if (job.size <= 1 || job.rank == 0) return true;
  return std::freopen("/dev/null", "w", stdout) && std::freopen("/dev/null", "w", stderr);
}

}  // namespace atslab::cli
