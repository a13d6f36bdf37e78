#pragma once
// A nullable value with deep copies, for the one recursive API type: a registration's
// Connect.SidecarService is itself a registration (Go uses a pointer).

#include <memory>
#include <utility>

namespace gatehouse::consul {

template <class T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(const Boxed& other) : ptr_(other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& other) {
    if (this != &other) ptr_ = other.ptr_ ? std::make_unique<T>(*other.ptr_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  ~Boxed() = default;

  explicit operator bool() const { return ptr_ != nullptr; }
  T& operator*() const { return *ptr_; }
  T* operator->() const { return ptr_.get(); }
  T& emplace(T value) {
    ptr_ = std::make_unique<T>(std::move(value));
    return *ptr_;
  }
  void reset() { ptr_.reset(); }

  friend bool operator==(const Boxed& a, const Boxed& b) {
    if (!a.ptr_ || !b.ptr_) return !a.ptr_ && !b.ptr_;
    return *a.ptr_ == *b.ptr_;
  }

 private:
  std::unique_ptr<T> ptr_;
};

}  // namespace gatehouse::consul
