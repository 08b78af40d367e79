// The collectives of the distributed search, on MPI (MPI_COMM_WORLD): sizes first, then the bytes.
#include "sim/explore_mpi.h"

#include <mpi.h>
#include <unistd.h>

#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <thread>
#include <stdexcept>
#include <string>
#include <vector>

namespace atslab::sim {

namespace {

int check_count(size_t n) {
  if (n > static_cast<size_t>(INT_MAX)) throw std::length_error("explore --mpi: a message over 2 GiB");
  return static_cast<int>(n);
}

// Where each rank's part starts in one buffer of all of them, and the total.
size_t offsets(const std::vector<int>& counts, std::vector<int>& displs) {
  size_t total = 0;
  displs.resize(counts.size());
  for (size_t r = 0; r < counts.size(); ++r) {
    displs[r] = check_count(total);
    total += static_cast<size_t>(counts[r]);
  }
  check_count(total);
  return total;
}

std::vector<std::string> split(const std::string& all, const std::vector<int>& counts, const std::vector<int>& displs) {
  std::vector<std::string> out(counts.size());
  for (size_t r = 0; r < counts.size(); ++r)
    out[r] = all.substr(static_cast<size_t>(displs[r]), static_cast<size_t>(counts[r]));
  return out;
}

// Waits for a non-blocking collective. MPI's blocking collectives wait by polling at full speed: on
// a shared machine (or with more ranks than cores) the waiting rank then takes the CPU from the
// rank it waits for; measured on a loaded 2-core VM, polling was a fifth of the search's CPU time
// (docs/performance.md). So: poll for a moment (a collective of a few rounds completes within it),
// then test between short sleeps.
void wait(MPI_Request& req) {
  using Clock = std::chrono::steady_clock;
  const auto spin_until = Clock::now() + std::chrono::microseconds(200);
  for (int done = 0;;) {
    MPI_Test(&req, &done, MPI_STATUS_IGNORE);
    if (done) return;
    if (Clock::now() >= spin_until) std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
}

class MpiExchange final : public Exchange {
 public:
  MpiExchange() {
    int r = 0, n = 0;
    MPI_Comm_rank(MPI_COMM_WORLD, &r);
    MPI_Comm_size(MPI_COMM_WORLD, &n);
    rank_ = static_cast<unsigned>(r);
    ranks_ = static_cast<unsigned>(n);
  }
  unsigned rank() const override { return rank_; }
  unsigned ranks() const override { return ranks_; }

  std::vector<std::string> all_to_all(const std::vector<std::string>& to) override {
    std::vector<int> send_counts(ranks_), recv_counts(ranks_), send_displs, recv_displs;
    std::string send;
    for (unsigned d = 0; d < ranks_; ++d) {
      send_counts[d] = check_count(to[d].size());
      send += to[d];
    }
    offsets(send_counts, send_displs);
    MPI_Request req{};
    MPI_Ialltoall(send_counts.data(), 1, MPI_INT, recv_counts.data(), 1, MPI_INT, MPI_COMM_WORLD, &req);
    wait(req);
    std::string recv(offsets(recv_counts, recv_displs), '\0');
    MPI_Ialltoallv(send.data(), send_counts.data(), send_displs.data(), MPI_BYTE, recv.data(), recv_counts.data(),
                   recv_displs.data(), MPI_BYTE, MPI_COMM_WORLD, &req);
    wait(req);
    return split(recv, recv_counts, recv_displs);
  }

  std::vector<std::string> all_gather(const std::string& mine) override {
    int n = check_count(mine.size());
    std::vector<int> counts(ranks_), displs;
    MPI_Request req{};
    MPI_Iallgather(&n, 1, MPI_INT, counts.data(), 1, MPI_INT, MPI_COMM_WORLD, &req);
    wait(req);
    std::string all(offsets(counts, displs), '\0');
    MPI_Iallgatherv(mine.data(), n, MPI_BYTE, all.data(), counts.data(), displs.data(), MPI_BYTE, MPI_COMM_WORLD, &req);
    wait(req);
    return split(all, counts, displs);
  }

  std::vector<uint64_t> sum(std::vector<uint64_t> mine) override {
    MPI_Request req{};
    MPI_Iallreduce(MPI_IN_PLACE, mine.data(), check_count(mine.size()), MPI_UINT64_T, MPI_SUM, MPI_COMM_WORLD, &req);
    wait(req);
    return mine;
  }

 private:
  unsigned rank_ = 0, ranks_ = 1;
};

}  // namespace

bool mpi_built() { return true; }

MpiSession::MpiSession() {
  MPI_Init(nullptr, nullptr);
  // A failing MPI call ends the job (MPI's default handler): the search has no way to go on.
  ex_ = std::make_unique<MpiExchange>();
}

MpiSession::~MpiSession() {
  // What this rank printed goes out before the fence: should the job be killed there, it is not lost.
  std::cout.flush();
  std::fflush(nullptr);
  MPI_Finalize();
}

void MpiSession::exit_interrupted(int status) {
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(status);
}

void MpiSession::abort(int status) {
  MPI_Abort(MPI_COMM_WORLD, status);
  std::abort();  // MPI_Abort does not return
}

}  // namespace atslab::sim
