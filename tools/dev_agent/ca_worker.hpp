#pragma once
// Where the dev agent does its slow CA work: key generation and signing. The agent answers every
// request on one io_context thread; an RSA 4096 key takes seconds to generate, and a sidecar's
// authorize call must not wait for it. run() hands a job to a small thread pool and suspends the
// calling coroutine; it resumes on the caller's executor with the job's result, so whatever the
// caller does with that result (storing a root or a leaf) stays on the agent's thread.
//
// A job must not touch agent state: it gets copies of its inputs and returns a value.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

namespace gatehouse::tools {

class CaWorker {
 public:
  // Two threads: a rotation's key generation never holds up the signing of a leaf.
  explicit CaWorker(std::size_t threads = 2) : pool_{threads} {}
  CaWorker(const CaWorker&) = delete;
  CaWorker& operator=(const CaWorker&) = delete;
  // Waits for the job that is running (a stopping agent lets it finish).
  ~CaWorker() { pool_.join(); }

  // Callers: name the job before passing it (`auto job = [..] {..}; co_await run(std::move(job))`).
  // GCC 12 destroys a lambda temporary that sits in a co_await full-expression twice when its
  // captures are not trivially copyable (a string, a shared_ptr).
  template <class Job>
  boost::asio::awaitable<std::invoke_result_t<Job&>> run(Job job) {
    using Result = std::invoke_result_t<Job&>;
    const InFlight counted{in_flight_};
    // co_spawn needs a default-constructible result; optional makes any result one.
    auto on_pool = [job =
                        std::move(job)]() mutable -> boost::asio::awaitable<std::optional<Result>> {
      yield_cpu_to_the_agent();
      co_return std::optional<Result>{job()};
    };
    auto done =
        co_await boost::asio::co_spawn(pool_, std::move(on_pool), boost::asio::use_awaitable);
    co_return std::move(*done);
  }

  // Jobs handed to the pool whose callers have not resumed yet. Counted on the callers' thread: a
  // driver that runs the agent's io_context by hand (the fuzz target) tells a request waiting for
  // the CA from one blocked on a query by it.
  std::size_t in_flight() const { return in_flight_; }

 private:
  struct InFlight {
    std::size_t& count;
    explicit InFlight(std::size_t& c) : count{c} { ++count; }
    ~InFlight() { --count; }
    InFlight(const InFlight&) = delete;
    InFlight& operator=(const InFlight&) = delete;
  };

  // Lowers the calling pool thread to nice 10 (once per thread): on a machine whose cores are all
  // busy, the agent's thread, which answers authorize calls, gets the CPU before a key search.
  static void yield_cpu_to_the_agent();

  boost::asio::thread_pool pool_;
  std::size_t in_flight_ = 0;
};

}  // namespace gatehouse::tools
