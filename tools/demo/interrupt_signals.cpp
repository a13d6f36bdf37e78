#include "tools/demo/interrupt_signals.hpp"

#include <pthread.h>

#include <csignal>

namespace gatehouse::tools {

namespace {

// SIGUSR1 only stops the waiting thread (sent by the destructor).
sigset_t watched() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGUSR1);
  return set;
}

}  // namespace

InterruptSignals::InterruptSignals(std::function<void(int)> on_signal)
    : on_signal_(std::move(on_signal)) {
  // A shell starts background jobs with SIGINT ignored, and an ignored signal is discarded
  // instead of becoming pending: take the default action back, after blocking them so that no
  // signal in between kills the process before sigwait can take it.
  const sigset_t set = watched();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  waiter_ = std::thread([this] {
    const sigset_t wait_set = watched();
    for (;;) {
      int signo = 0;
      if (sigwait(&wait_set, &signo) != 0) continue;
      if (signo == SIGUSR1) return;
      on_signal_(signo);
    }
  });
}

InterruptSignals::~InterruptSignals() {
  pthread_kill(waiter_.native_handle(), SIGUSR1);
  waiter_.join();
}

}  // namespace gatehouse::tools
