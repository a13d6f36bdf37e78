#pragma once
// SIGINT/SIGTERM for a program that runs step by step: the signals are blocked in every thread
// and a dedicated thread waits for them and calls `on_signal` (from that thread). Construct it
// before any other thread starts, so every thread inherits the blocked mask.

#include <functional>
#include <thread>

namespace gatehouse::tools {

class InterruptSignals {
 public:
  explicit InterruptSignals(std::function<void(int signo)> on_signal);
  ~InterruptSignals();
  InterruptSignals(const InterruptSignals&) = delete;
  InterruptSignals& operator=(const InterruptSignals&) = delete;

 private:
  std::function<void(int)> on_signal_;
  std::thread waiter_;
};

}  // namespace gatehouse::tools
