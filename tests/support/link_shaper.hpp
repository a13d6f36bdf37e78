#pragma once
// A user-space link for tests: a TCP relay on 127.0.0.1 that forwards to a target the way a
// real network may — in pieces of N bytes, with a pause between pieces (a trickle at a given
// rate, a long-delay path), or not at all past a byte count (a peer or middlebox that stops
// mid-stream while keeping the connection open). Deterministic where tc/netem is not available,
// and it can cut a TLS record at any byte.
//
// Each accepted connection gets one thread per direction; every wait is bounded and the
// destructor stops and joins them all.

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <mutex>
#include <thread>
#include <vector>

namespace gatehouse::testing {

struct LinkShape {
  static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
  // Bytes per write (0: whatever one read returned).
  std::size_t piece = 0;
  // Pause after each piece: piece / pause is the rate.
  std::chrono::milliseconds pause{0};
  // Forward at most this many bytes in each direction, then hold the rest (connection kept).
  std::size_t stop_client_to_server_after = kUnlimited;
  std::size_t stop_server_to_client_after = kUnlimited;
};

class LinkShaper {
 public:
  LinkShaper(std::uint16_t target_port, LinkShape shape);
  ~LinkShaper();
  LinkShaper(const LinkShaper&) = delete;
  LinkShaper& operator=(const LinkShaper&) = delete;

  std::uint16_t port() const { return port_; }
  std::size_t connections() const { return accepted_.load(); }

 private:
  void accept_loop();
  void pump(int from, int to, std::size_t limit);

  std::uint16_t target_port_;
  LinkShape shape_;
  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> accepted_{0};
  std::mutex mutex_;
  std::vector<int> fds_;             // guarded by mutex_; closed by the destructor
  std::vector<std::thread> pumps_;   // guarded by mutex_
  std::thread acceptor_;
};

}  // namespace gatehouse::testing
