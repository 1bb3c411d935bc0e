#pragma once
/// @file
/// sip::Dialog (RFC 3261 §12-§15): one call leg — the INVITE dialog and its media session.
/// Subclass it and override the hooks; the dialog layer (dialog_layer.hpp) keeps it alive
/// while the call lasts.
///
/// @code
///   class FrontDesk : public voip::sip::Dialog {
///   public:
///       using Dialog::Dialog;
///       void on_invite(const voip::sip::Request&) override { ringing(); accept<voip::AudioCall>();
///       } void on_bye() override { std::puts("caller hung up"); }
///   };
///   voip::sip::enable_calls(ua, io, {.media_address = "127.0.0.1"});
///   ua.on_incoming<FrontDesk>();
///   auto dialog = ua.make_dialog();
///   auto call = co_await dialog->async_dial<voip::AudioCall>(target, asio::use_awaitable);
///   co_await call->hang_up(asio::use_awaitable);   // → Dialog::async_bye
/// @endcode
///
/// Threading: the UserAgent's executor; every hook and completion runs there.

#include <voip/result.hpp>
#include <voip/rtp/session.hpp>
#include <voip/sdp/offer_answer.hpp>
#include <voip/sip/call_config.hpp>
#include <voip/sip/dialog_error.hpp>
#include <voip/sip/dialog_layer.hpp>
#include <voip/sip/dialog_state.hpp>
#include <voip/sip/message.hpp>
#include <voip/sip/user_agent.hpp>

#include <asio/any_io_executor.hpp>
#include <asio/associated_executor.hpp>
#include <asio/async_result.hpp>
#include <asio/io_context.hpp>
#include <asio/post.hpp>

#include <concepts>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <utility>
#include <vector>

namespace voip::sip {

/// What any media session class used with accept<S>()/async_dial<S>() must offer (AudioCall
/// does). If S also has `update_media(const sdp::Negotiated&)`, re-INVITEs (hold/resume) are
/// applied to it.
template <class S>
concept CallMedia = std::derived_from<S, rtp::Session> &&
    requires(S& s, const S& cs, const sdp::Negotiated& n, const std::string& address,
             sdp::CryptoPolicy c) {
    { cs.local_media(address, c) } -> std::same_as<Result<sdp::LocalMedia>>;
    { s.start_media(n) } -> std::same_as<Result<void>>;
    s.stop_media();
};

namespace detail {

// The media session of a dialog behind a small virtual interface, so the dialog's code lives
// out of line whatever the session class.
class MediaHandle {
public:
    virtual ~MediaHandle() = default;
    [[nodiscard]] virtual rtp::Session& session() noexcept = 0;
    [[nodiscard]] virtual std::shared_ptr<rtp::Session> shared() const = 0;
    [[nodiscard]] virtual Result<sdp::LocalMedia> local_media(const std::string& address,
                                                              sdp::CryptoPolicy crypto) const = 0;
    virtual Result<void> start_media(const sdp::Negotiated& negotiated) = 0;
    // A re-INVITE changed the media (direction, address): false when S cannot take it.
    virtual bool update_media(const sdp::Negotiated& negotiated) = 0;
    virtual void stop_media() = 0;

protected:
    MediaHandle() = default;
    MediaHandle(const MediaHandle&) = default;
    MediaHandle& operator=(const MediaHandle&) = default;
};

template <CallMedia S>
class MediaHandleImpl final : public MediaHandle {
public:
    explicit MediaHandleImpl(std::shared_ptr<S> session) : session_(std::move(session)) {}
    rtp::Session& session() noexcept override { return *session_; }
    [[nodiscard]] std::shared_ptr<rtp::Session> shared() const override { return session_; }
    [[nodiscard]] Result<sdp::LocalMedia> local_media(const std::string& address,
                                                      sdp::CryptoPolicy crypto) const override {
        return static_cast<const S&>(*session_).local_media(address, crypto);
    }
    Result<void> start_media(const sdp::Negotiated& negotiated) override {
        return session_->start_media(negotiated);
    }
    bool update_media(const sdp::Negotiated& negotiated) override {
        if constexpr (requires(S & s) { s.update_media(negotiated); }) {
            return static_cast<bool>(session_->update_media(negotiated));
        } else {
            return false;
        }
    }
    void stop_media() override { session_->stop_media(); }

private:
    std::shared_ptr<S> session_;
};

// Wraps a completion handler so it can be stored in a std::function and is posted to its
// associated executor (never run inside the initiating call).
template <class... Ts, class Handler>
std::function<void(Ts...)> post_later(Handler handler, const asio::any_io_executor& fallback) {
    auto executor = asio::get_associated_executor(handler, fallback);
    auto shared = std::make_shared<Handler>(std::move(handler));
    return [shared, executor](Ts... values) {
        asio::post(executor, [shared, values...]() mutable { std::move (*shared)(values...); });
    };
}

}  // namespace detail

/// One INVITE dialog (RFC 3261 §12) and its media session.
class Dialog : public std::enable_shared_from_this<Dialog>, public rtp::SessionOwner {
public:
    using Done = std::function<void(std::error_code)>;
    using InfoDone = std::function<void(std::error_code, Response)>;

    /// Subclasses write `using Dialog::Dialog;`.
    explicit Dialog(DialogContext context);
    ~Dialog() override;
    Dialog(const Dialog&) = delete;
    Dialog& operator=(const Dialog&) = delete;
    Dialog(Dialog&&) = delete;
    Dialog& operator=(Dialog&&) = delete;

    // ---- hooks (run on the UA's executor) ----
    /// A new inbound INVITE (UAS). Default: reject(486). Call ringing()/accept()/reject() here
    /// or later.
    virtual void on_invite(const Request& invite);
    /// The far end hung up (BYE); the media is already stopped.
    virtual void on_bye();
    /// The caller cancelled while ringing (the UA has answered 487).
    virtual void on_cancel();
    /// A re-INVITE's offer; true accepts it (default; hold/resume answered from the session's
    /// media with the mirrored direction), false answers 488.
    virtual bool on_reinvite(const sdp::SessionDescription& offer);
    /// An INFO in the dialog (already answered 200). Default: nothing.
    virtual void on_info(const Request& info);
    /// The dialog is confirmed: the ACK of our 2xx arrived (UAS) or we sent the ACK (UAC).
    virtual void on_confirmed();
    /// UAC: a provisional response (100, 180, 183) to our INVITE.
    virtual void on_progress(const Response& provisional);
    /// The media direction changed by a re-INVITE (either side); @p negotiated is what we
    /// may do now (direction from our point of view).
    virtual void on_media_changed(const sdp::Negotiated& negotiated);
    /// The dialog ended; called exactly once (never after the layer was destroyed).
    virtual void on_terminated(EndReason reason, std::error_code detail);

    // ---- UAS actions (inside or after on_invite) ----
    /// 180 Ringing; with @p early_media, 183 Session Progress — with the SDP answer when
    /// early_media<S>() made the session. Errors: wrong_state.
    Result<void> ringing(bool early_media = false);
    /// Answers the INVITE: S(multiplexer, args...), open(), SDP answer to the INVITE's offer
    /// (or an offer in the 200 when the INVITE had none; the answer comes in the ACK),
    /// start_media, 200 OK with Contact, retransmitted until the ACK (RFC 3261 §13.3.1.4).
    /// Returns null (and answers 488/500) when the offer or the media fails.
    template <CallMedia S, class... Args>
    std::shared_ptr<S> accept(Args&&... args) {
        if (auto early = std::dynamic_pointer_cast<S>(shared_session())) {
            return start_accept(nullptr) ? early : nullptr;  // the early_media() session
        }
        rtp::Multiplexer* mux = media_multiplexer();
        if (mux == nullptr) return nullptr;
        auto session = std::make_shared<S>(*mux, std::forward<Args>(args)...);
        if (!start_accept(std::make_unique<detail::MediaHandleImpl<S>>(session))) return nullptr;
        return session;
    }
    /// Answers the INVITE without a media session: no RTP port is opened and the library
    /// negotiates nothing. 200 OK with Contact and @p body (an SDP the application built, e.g.
    /// pointing at a media server elsewhere, with @p content_type), or with no body at all when
    /// @p body is empty (a signalling-only UAS); retransmitted until the ACK like accept<S>().
    /// The ACK's body is not looked at; a re-INVITE gets 488 (no session to update).
    /// Errors: shutdown, wrong_state (not an inbound INVITE waiting for its answer, or a
    /// session already made by early_media()).
    Result<void> accept_without_media(std::string_view body = {},
                                      std::string_view content_type = "application/sdp");

    /// Early media (RFC 3261 §13.3.1.1, RFC 3960): makes the session as accept() does, answers
    /// the offer and sends 183 Session Progress with the SDP; a later accept<S>() reuses the
    /// session. Returns null (and answers 488/500) on failure.
    template <CallMedia S, class... Args>
    std::shared_ptr<S> early_media(Args&&... args) {
        rtp::Multiplexer* mux = media_multiplexer();
        if (mux == nullptr) return nullptr;
        auto session = std::make_shared<S>(*mux, std::forward<Args>(args)...);
        if (!start_early_media(std::make_unique<detail::MediaHandleImpl<S>>(session))) {
            return nullptr;
        }
        return session;
    }
    /// Final non-2xx answer (300..699; other values become 500). @p reason: the phrase.
    void reject(int status, std::string_view reason = {});

    // ---- UAC actions ----
    /// Dials @p target (an AOR `sip:bob@example.com` or `sip:bob@127.0.0.1:5070;transport=tcp`).
    /// Completion `void(std::error_code, std::shared_ptr<S>)`: the session once the 2xx came
    /// and the ACK went. Errors: make_status_error(3xx..6xx) (487 after async_cancel),
    /// TransactionError::timeout, DialogErrc (bad_target, bad_sdp, auth_failed, wrong_state,
    /// no_media, shutdown). 401/407 are answered once with the account's credentials; a 488
    /// to an SRTP offer under CryptoPolicy::preferred is retried once with RTP/AVP.
    template <CallMedia S, class CompletionToken, class... Args>
    auto async_dial(const Uri& target, CompletionToken&& token, Args&&... args) {
        rtp::Multiplexer* mux = media_multiplexer();
        std::shared_ptr<S> session =
            mux != nullptr ? std::make_shared<S>(*mux, std::forward<Args>(args)...) : nullptr;
        return asio::async_initiate<CompletionToken, void(std::error_code, std::shared_ptr<S>)>(
            [this, session](auto handler, const Uri& to) {
                auto done = detail::post_later<std::error_code, std::shared_ptr<S>>(
                    std::move(handler), executor());
                std::unique_ptr<detail::MediaHandle> media;
                if (session) media = std::make_unique<detail::MediaHandleImpl<S>>(session);
                start_dial(to, std::move(media), [done, session](std::error_code ec) {
                    done(ec, ec ? nullptr : session);
                });
            },
            token, target);
    }
    /// CANCEL our INVITE (RFC 3261 §9.1: sent once a provisional response arrived; before,
    /// it waits for one). The dial completes with make_status_error(487) — also when the 2xx
    /// won the race (the call is then ACKed and ended with BYE at once). Completion
    /// void(error_code): the CANCEL's outcome.
    template <class CompletionToken>
    auto async_cancel(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            [this](auto handler) {
                start_cancel(detail::post_later<std::error_code>(std::move(handler), executor()));
            },
            token);
    }

    // ---- both ----
    /// BYE (RFC 3261 §15): stops the media at once; completes void(error_code) with the BYE's
    /// outcome (bounded by 64*T1). Before the 2xx on the UAC side it CANCELs; on the UAS side
    /// before answering it rejects 480.
    template <class CompletionToken>
    auto async_bye(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            [this](auto handler) {
                start_bye(detail::post_later<std::error_code>(std::move(handler), executor()));
            },
            token);
    }
    /// Re-INVITE with a=sendonly (RFC 3264 §8.4). void(error_code); DialogErrc::glare when
    /// the far end's re-INVITE crossed ours twice (after the §14.1 back-off retry).
    template <class CompletionToken>
    auto async_hold(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            [this](auto handler) {
                start_reinvite(sdp::Direction::sendonly,
                               detail::post_later<std::error_code>(std::move(handler), executor()));
            },
            token);
    }
    /// Re-INVITE with a=sendrecv. void(error_code).
    template <class CompletionToken>
    auto async_resume(CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code)>(
            [this](auto handler) {
                start_reinvite(sdp::Direction::sendrecv,
                               detail::post_later<std::error_code>(std::move(handler), executor()));
            },
            token);
    }
    /// INFO (RFC 6086) with @p body of @p content_type. void(error_code, Response): the
    /// final response (an error for non-2xx, with the response).
    template <class CompletionToken>
    auto async_send_info(std::string content_type, std::string body, CompletionToken&& token) {
        return asio::async_initiate<CompletionToken, void(std::error_code, Response)>(
            [this](auto handler, const std::string& type, const std::string& text) {
                start_info(
                    type, text,
                    detail::post_later<std::error_code, Response>(std::move(handler), executor()));
            },
            token, std::move(content_type), std::move(body));
    }

    // ---- state (RFC 3261 §12) ----
    [[nodiscard]] DialogState state() const noexcept;
    [[nodiscard]] const std::string& call_id() const noexcept;
    [[nodiscard]] const std::string& local_tag() const noexcept;
    [[nodiscard]] const std::string& remote_tag() const noexcept;
    [[nodiscard]] std::uint32_t local_cseq() const noexcept;
    [[nodiscard]] std::uint32_t remote_cseq() const noexcept;
    /// The far end's Contact URI (no display name, no header parameters).
    [[nodiscard]] const Uri& remote_target() const noexcept;
    /// Record-Route as the route set (reversed on the UAC side, §12.1.2).
    [[nodiscard]] const std::vector<NameAddr>& route_set() const noexcept;
    /// sips: Request-URI over TLS (§12.1.1).
    [[nodiscard]] bool secure() const noexcept;
    [[nodiscard]] bool is_uas() const noexcept;
    /// From of the INVITE on the UAS side, To on the UAC side.
    [[nodiscard]] const Uri& remote_uri() const noexcept;
    /// Our URI (To of the INVITE on the UAS side, From on the UAC side).
    [[nodiscard]] const Uri& local_uri() const noexcept;
    /// The media, null before accept/answer and after the layer went away.
    [[nodiscard]] rtp::Session* session() const noexcept;
    /// The last agreed media (direction from our side), if any.
    [[nodiscard]] const std::optional<sdp::Negotiated>& negotiated() const noexcept;
    /// Our last SDP and the far end's last SDP.
    [[nodiscard]] const std::optional<sdp::SessionDescription>& local_sdp() const noexcept;
    [[nodiscard]] const std::optional<sdp::SessionDescription>& remote_sdp() const noexcept;
    /// Throws std::logic_error after the layer went away.
    [[nodiscard]] UserAgent& user_agent() const;
    /// Our re-INVITEs refused with 491 and retried after the §14.1 back-off.
    [[nodiscard]] unsigned glare_retries() const noexcept;
    /// The UserAgent's executor.
    [[nodiscard]] asio::any_io_executor executor() const;

    /// rtp::SessionOwner: rtp::Session::hang_up() ends the call through async_bye.
    void hang_up(rtp::Session& session, Done done) override;

private:
    friend class DialogLayer;
    struct Impl;

    [[nodiscard]] rtp::Multiplexer* media_multiplexer() const noexcept;
    [[nodiscard]] std::shared_ptr<rtp::Session> shared_session() const;
    bool start_early_media(std::unique_ptr<detail::MediaHandle> media);
    bool start_accept(std::unique_ptr<detail::MediaHandle> media);
    void start_dial(const Uri& target, std::unique_ptr<detail::MediaHandle> media, Done done);
    void start_cancel(Done done);
    void start_bye(Done done);
    void start_reinvite(sdp::Direction direction, Done done);
    void start_info(const std::string& content_type, const std::string& body, InfoDone done);

    std::unique_ptr<Impl> impl_;
};

/// Installs (or returns the installed) dialog layer of @p ua with @p config; its multiplexer
/// is made on @p io. Call before on_incoming/make_dialog to configure.
DialogLayer& enable_calls(UserAgent& ua, asio::io_context& io, CallConfig config = {});
/// Same with a multiplexer shared by several UserAgents (it must outlive them).
DialogLayer& enable_calls(UserAgent& ua, rtp::Multiplexer& shared_mux, CallConfig config = {});
/// The installed dialog layer, or a default one (CallConfig{}) made on the io_context of the
/// UA's executor (throws std::logic_error if that executor is not an io_context's).
DialogLayer& dialog_layer(UserAgent& ua);

template <class D, class... Args>
void UserAgent::on_incoming(Args... args) {
    static_assert(std::derived_from<D, Dialog>, "on_incoming<D>: D must derive from sip::Dialog");
    dialog_layer(*this).set_incoming([args...](DialogContext context) -> std::shared_ptr<Dialog> {
        return std::make_shared<D>(context, args...);
    });
}

template <class D, class... Args>
std::shared_ptr<D> UserAgent::make_dialog(Args&&... args) {
    static_assert(std::derived_from<D, Dialog>, "make_dialog<D>: D must derive from sip::Dialog");
    return std::make_shared<D>(dialog_layer(*this).context(), std::forward<Args>(args)...);
}

}  // namespace voip::sip
