#include "tools/dev_agent/ca_worker.hpp"

#include <sys/resource.h>
#include <unistd.h>

namespace gatehouse::tools {

namespace {

constexpr int kWorkerNice = 10;

}  // namespace

void CaWorker::yield_cpu_to_the_agent() {
  thread_local bool lowered = false;
  if (lowered) return;
  lowered = true;
  // On Linux a thread id names one thread for setpriority; the rest of the process keeps its
  // nice. A failure is not logged (the agent's logger is not thread-safe and this runs on a pool
  // thread) and only means the worker competes at the agent's own priority.
  (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), kWorkerNice);
}

}  // namespace gatehouse::tools
