#pragma once
// A value or the std::error_code that explains why there is none.
//
// C++20 has no std::expected, and untrusted input must never throw, so every parser and every
// operation on a hot path returns Result<T>. value() is the one place that throws: calling it on
// an error is a programmer error (the caller did not check), reported as std::system_error.

#include <system_error>
#include <type_traits>
#include <utility>
#include <variant>

namespace voip {

template <class T>
class [[nodiscard]] Result {
public:
    using value_type = T;

    Result(const T& value)
        : state_(std::in_place_index<0>, value) {}  // NOLINT: implicit on purpose
    Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}   // NOLINT
    Result(std::error_code error) : state_(std::in_place_index<1>, error) {}  // NOLINT
    template <class E>
    requires(std::is_error_code_enum_v<E> || std::is_error_condition_enum_v<E>) Result(E error)
        : state_(std::in_place_index<1>, make_error_code(error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
    explicit operator bool() const noexcept { return has_value(); }

    [[nodiscard]] std::error_code error() const noexcept {
        return has_value() ? std::error_code{} : std::get<1>(state_);
    }

    T& value() & {
        check();
        return std::get<0>(state_);
    }
    [[nodiscard]] const T& value() const& {
        check();
        return std::get<0>(state_);
    }
    T&& value() && {
        check();
        return std::get<0>(std::move(state_));
    }

    template <class U>
    T value_or(U&& fallback) const& {
        return has_value() ? std::get<0>(state_) : static_cast<T>(std::forward<U>(fallback));
    }

    T& operator*() & noexcept { return *std::get_if<0>(&state_); }
    const T& operator*() const& noexcept { return *std::get_if<0>(&state_); }
    T&& operator*() && noexcept { return std::move(*std::get_if<0>(&state_)); }
    T* operator->() noexcept { return std::get_if<0>(&state_); }
    const T* operator->() const noexcept { return std::get_if<0>(&state_); }

private:
    void check() const {
        if (!has_value()) throw std::system_error(std::get<1>(state_));
    }

    std::variant<T, std::error_code> state_;
};

// Result<void>: success or an error, for operations that produce nothing.
template <>
class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(std::error_code error) : error_(error) {}  // NOLINT: implicit on purpose
    template <class E>
    requires(std::is_error_code_enum_v<E> || std::is_error_condition_enum_v<E>) Result(E error)
        : error_(make_error_code(error)) {}  // NOLINT

    [[nodiscard]] bool has_value() const noexcept { return !error_; }
    explicit operator bool() const noexcept { return has_value(); }
    [[nodiscard]] std::error_code error() const noexcept { return error_; }
    void value() const {
        if (error_) throw std::system_error(error_);
    }

private:
    std::error_code error_;
};

}  // namespace voip
