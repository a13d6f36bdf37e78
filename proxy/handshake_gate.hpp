#pragma once
// Bounds the memory that callers without a finished handshake can hold on one worker.
//
// A TLS handshake in progress holds OpenSSL's connection state and record buffers (tens of KiB);
// anyone who can open a TCP connection can start one, with no certificate. A caller is therefore
// admitted to a handshake only while its worker has fewer than `limit` handshakes in progress;
// beyond that the connection is closed at once with a logged reason (handshake_limit), and
// connections past their handshake are not affected. Callers that have not sent a byte yet are
// not counted: they hold no TLS state (serve_inbound waits for the first byte before creating
// any), only their socket, and -max-connections and the handshake deadline bound those.
//
// One gate per worker, used only on that worker's thread: no locks.

#include <algorithm>
#include <cstddef>
#include <utility>

namespace gatehouse::proxy {

class HandshakeGate {
 public:
  // Held while a handshake runs; the slot is free again when it is destroyed.
  class Ticket {
   public:
    Ticket() = default;
    explicit Ticket(HandshakeGate& gate) : gate_(&gate) { ++gate.in_progress_; }
    ~Ticket() { release(); }
    Ticket(Ticket&& other) noexcept : gate_(std::exchange(other.gate_, nullptr)) {}
    Ticket& operator=(Ticket&& other) noexcept {
      if (this != &other) {
        release();
        gate_ = std::exchange(other.gate_, nullptr);
      }
      return *this;
    }
    Ticket(const Ticket&) = delete;
    Ticket& operator=(const Ticket&) = delete;

    explicit operator bool() const { return gate_ != nullptr; }
    void release() {
      if (gate_ != nullptr) --std::exchange(gate_, nullptr)->in_progress_;
    }

   private:
    HandshakeGate* gate_ = nullptr;
  };

  explicit HandshakeGate(std::size_t limit) : limit_(limit) {}

  // An admitted ticket, or an empty one when `limit` handshakes are already in progress.
  Ticket try_enter() { return in_progress_ < limit_ ? Ticket{*this} : Ticket{}; }

  std::size_t limit() const { return limit_; }
  std::size_t in_progress() const { return in_progress_; }

 private:
  std::size_t limit_;
  std::size_t in_progress_ = 0;
};

// The share of a process-wide limit that each of `workers` workers gets (at least 1).
inline std::size_t per_worker_share(std::size_t total, std::size_t workers) {
  if (workers == 0) return total;
  return std::max<std::size_t>(1, (total + workers - 1) / workers);
}

}  // namespace gatehouse::proxy
