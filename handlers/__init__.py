"""Every handler of the bot, in order: the whole table (PTB takes the first match in a group).

Handlers read ids and arguments, call one service, render with the texts and reply. Button
patterns come from the codec in `bot.callbacks`, keyboards from `bot.keyboards`; typed text
inside a flow is routed by `TYPED` below from the (flow, step) the person is at.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot import callbacks as cb
from bot.services.flows import (
    CheckinStep,
    EndingStep,
    Flow,
    LogStep,
    NoteStep,
    RearrangeStep,
    RemindersStep,
    ScheduleStep,
    SelfReferralStep,
    StrategiesStep,
    SuggestStep,
    TeamSettingsStep,
    WorkerSettingsStep,
)
from handlers import (
    conversation,
    endings,
    fallback,
    groups,
    language,
    onboarding,
    presses,
    privacy,
    rearrange,
    referral_link,
    referrals,
    reminders,
    safety,
    schedule,
    sessions,
    strategies,
    strategies_list,
    team,
    typed,
    worker_settings,
)
from handlers.common import Handler, button, stale
from handlers.conversation import TextSteps
from handlers.settings import settings_by_role
from storage.models import Role

# Groups run in this order, each taking its first match, then the next group runs; group 0
# is the features'.
SPEAKING, PRESSES, CHATS, EDITS, COMMANDS, BEFORE = -6, -5, -4, -3, -2, -1
# Every command but /cancel (which says whether there was a flow to leave).
ANY_COMMAND = filters.COMMAND & ~filters.Regex(r"^/cancel(@\w+)?(\s|$)")
PRIVATE = filters.ALL & filters.ChatType.PRIVATE
PRIVATE_TEXT = filters.TEXT & ~filters.COMMAND & filters.ChatType.PRIVATE
EDITED = filters.UpdateType.EDITED
# The peer commands a peer still on the list is answered kindly instead.
WAITING = filters.ChatType.PRIVATE & filters.Regex(
    r"^/(next|sessions|rearrange|log|strategies|reminders|calendar|stop)(@\w+)?(\s|$)"
)

# Who takes typed text at each step of each flow (bot.services.flows declares the flows).
TYPED: TextSteps = {
    (Flow.SCHEDULE, ScheduleStep.PEER): schedule.ask_for_a_button,  # buttons only
    (Flow.SCHEDULE, ScheduleStep.DAY): schedule.ask_for_a_button,  # buttons only
    (Flow.SCHEDULE, ScheduleStep.TIME): schedule.type_session_time,  # "14:30"
    (Flow.SCHEDULE, ScheduleStep.LENGTH): schedule.type_session_length,  # "45", "1 hour"
    (Flow.SCHEDULE, ScheduleStep.PLACE): schedule.type_session_place,  # books the session
    (Flow.REARRANGE, RearrangeStep.CHOOSE): rearrange.pass_on_wish,  # the peer's own wish
    (Flow.SUGGEST, SuggestStep.TIME): rearrange.send_typed_suggestion,  # the worker's time
    (Flow.OUTCOME_NOTE, NoteStep.NOTE): sessions.take_outcome_note,  # a note for next time
    (Flow.LOG, LogStep.STRATEGY): strategies.type_new_strategy,  # a strategy not listed
    (Flow.LOG, LogStep.OUTCOME): strategies.type_how_it_went,  # "it helped"
    (Flow.LOG, LogStep.NOTE): strategies.type_log_note,  # the note, or "skip"
    (Flow.STRATEGIES, StrategiesStep.RENAME): strategies_list.type_new_name,  # a new name
    (Flow.REMINDERS, RemindersStep.DAY_BEFORE_TIME): reminders.type_reminder_time,  # "19:30"
    (Flow.REMINDERS, RemindersStep.MORNING_TIME): reminders.type_reminder_time,  # "07:45"
    (Flow.REMINDERS, RemindersStep.QUIET): reminders.type_quiet_hours,  # "22:00-07:00"
    (Flow.WORKER_SETTINGS, WorkerSettingsStep.HOURS): worker_settings.type_working_hours,  # 9-5
    (Flow.WORKER_SETTINGS, WorkerSettingsStep.TIMEZONE): worker_settings.type_time_zone,  # a zone
    (Flow.TEAM_SETTINGS, TeamSettingsStep.TIME): team.type_digest_time,  # "18:30"
    (Flow.TEAM_SETTINGS, TeamSettingsStep.ZONE): team.type_digest_zone,  # "Europe/Paris"
    (Flow.ENDING, EndingStep.HELPED): endings.type_ending_choice,  # "4"
    (Flow.ENDING, EndingStep.RECOMMEND): endings.type_ending_choice,  # "not sure"
    (Flow.ENDING, EndingStep.COMMENT): endings.type_ending_comment,  # anything to say?
    (Flow.SELF_REFERRAL, SelfReferralStep.NAME): referral_link.type_first_name,  # on the list
    (Flow.CHECKIN, CheckinStep.PLACE): safety.type_checkin_place,  # where, or "skip"
}
# /settings shows each role its own.
SETTINGS: dict[str, Handler] = {
    Role.WORKER: worker_settings.show_worker_settings,
    Role.COORDINATOR: team.show_digest_settings,
}


def register(app: Application) -> None:  # type: ignore[type-arg]
    """Add every handler of the bot, in order."""
    add = app.add_handler
    typed.install(app)  # every keyboard sent or edited is noted, so its buttons can be typed
    add(TypeHandler(Update, language.speak_their_language), group=SPEAKING)  # their language
    add(TypeHandler(Update, presses.answer_once), group=PRESSES)  # each press answered once
    add(TypeHandler(Update, groups.outside_private_chats), group=CHATS)  # private chats only
    add(MessageHandler(EDITED, fallback.ignore_edit), group=EDITS)  # edits are not requests
    add(MessageHandler(ANY_COMMAND, conversation.end_flow), group=COMMANDS)  # ends any flow
    add(CommandHandler("start", reminders.resume, has_args=False), group=BEFORE)  # after /stop
    add(MessageHandler(WAITING, referral_link.answer_waiting_peer), group=BEFORE)  # on the list
    add(TypeHandler(Update, safety.note_heard), group=BEFORE)  # a worker was last heard now

    # Joining: deep-link /start <token> (or the public link, /start refer) before plain /start.
    add(CommandHandler("start", onboarding.start_with_token, has_args=True))  # join by link
    add(CommandHandler("start", onboarding.start))  # welcome a stranger, greet a member
    add(CommandHandler("help", onboarding.show_help))  # every role's commands, crisis contacts
    add(CommandHandler("invite", onboarding.invite))  # a coordinator invites a peer worker
    add(CommandHandler("addpeer", onboarding.add_peer))  # a peer worker adds a peer
    add(ChatMemberHandler(onboarding.chat_status, ChatMemberHandler.MY_CHAT_MEMBER))  # blocked?

    # Peers: their sessions and the answers under a session.
    add(CommandHandler("next", sessions.next_session))  # the next session, with answers
    add(CommandHandler("sessions", sessions.list_sessions))  # upcoming and past
    add(button(sessions.confirm_session, cb.SES_CONFIRM))  # "I'll be there"
    add(button(rearrange.offer_new_times, cb.SES_REARRANGE))  # "Rearrange": free times
    add(button(sessions.ask_to_cancel_session, cb.SES_ASK_CANCEL))  # "Can't make it": sure?
    add(button(sessions.cancel_session, cb.SES_CANCEL))  # "Yes, cancel it"
    add(button(sessions.keep_session, cb.SES_KEEP))  # "No, keep it"
    add(stale(sessions.refuse_stale_session_button, "ses"))  # malformed or forged

    # Peer workers: /schedule in one line, or guided by buttons.
    add(CommandHandler("schedule", schedule.schedule))  # one line, or the guided start
    add(button(schedule.pick_peer, cb.SCH_PEER))  # who with
    add(button(schedule.pick_day, cb.SCH_DAY))  # which day
    add(button(schedule.pick_time, cb.SCH_TIME))  # what time
    add(button(schedule.pick_length, cb.SCH_LENGTH))  # how long
    add(button(schedule.pick_place, cb.SCH_PLACE))  # where, then booked
    add(stale(sessions.refuse_stale_session_button, "sch"))  # malformed or forged

    # Rearranging, from either side.
    add(CommandHandler("rearrange", rearrange.rearrange_next))  # the peer's next session
    add(button(rearrange.request_time, cb.REA_PICK))  # the peer asks for a free time
    add(button(rearrange.accept_time, cb.REA_ACCEPT))  # either side accepts
    add(button(rearrange.ask_for_suggestion, cb.REA_SUGGEST))  # the worker: another time?
    add(button(rearrange.suggest_time, cb.REA_SUGGESTED))  # the worker suggests it
    add(stale(sessions.refuse_stale_session_button, "rea"))  # malformed or forged

    # Peer workers: the diary, their peers, outcomes of past sessions.
    add(CommandHandler("diary", sessions.show_diary))  # the next 14 days
    add(CommandHandler("peers", sessions.show_peers))  # each peer's progress
    add(CommandHandler("outcome", sessions.ask_outcomes))  # past sessions with no outcome
    add(button(sessions.record_outcome, cb.OUT_HELD))  # "Held"
    add(button(sessions.record_outcome, cb.OUT_MISSED))  # "Missed"
    add(button(sessions.record_outcome, cb.OUT_CANCELLED))  # "Cancelled"
    add(button(sessions.skip_outcome_note, cb.OUT_SKIP_NOTE))  # no note for next time
    add(button(sessions.count_cancelled_session, cb.OUT_COUNT))  # count it after all
    add(stale(sessions.refuse_stale_session_button, "out"))  # malformed or forged

    # Peers: the strategy log.
    add(CommandHandler("log", strategies.start_log))  # log a strategy tried
    add(button(strategies.pick_logged_strategy, cb.LOG_PICK))  # one of their own
    add(button(strategies.choose_how_it_went, cb.LOG_OUTCOME))  # how it went
    add(button(strategies.skip_log_note, cb.LOG_SKIP))  # saved without a note
    add(button(strategies.log_another, cb.LOG_AGAIN))  # "Log another"
    add(button(strategies.finish_logging, cb.LOG_DONE))  # "Done": tidy the buttons
    add(stale(strategies.refuse_stale_log_button, "log"))  # an older /log's, or forged

    # Peer workers: the pre-session summary.
    add(CommandHandler("summary", strategies.summary))  # one peer's, or the peers to pick
    add(button(strategies.show_summary_of_peer, cb.STR_SUMMARY))  # the picked peer's
    add(stale(strategies.refuse_stale_summary_button, "str:sum"))  # malformed or forged

    # Peers: their own list of strategies and entries.
    add(CommandHandler("strategies", strategies_list.show_strategies))  # week and list
    add(button(strategies_list.show_strategies_again, cb.STR_MENU))  # "Back"
    add(button(strategies_list.show_strategies_again, cb.STR_KEEP))  # "Keep it"
    add(button(strategies_list.pick_strategy_to_change, cb.STR_PICK))  # rename or remove
    add(button(strategies_list.show_strategy, cb.STR_SHOW))  # one strategy
    add(button(strategies_list.ask_new_name, cb.STR_RENAME))  # "Rename": typed next
    add(button(strategies_list.ask_to_remove_strategy, cb.STR_ASK_REMOVE))  # "Remove": sure?
    add(button(strategies_list.remove_strategy, cb.STR_REMOVE))  # "Yes, remove it"
    add(button(strategies_list.list_entries, cb.STR_ENTRIES))  # "Delete an entry"
    add(button(strategies_list.ask_to_delete_entry, cb.STR_ENTRY))  # one entry: sure?
    add(button(strategies_list.delete_entry, cb.STR_DELETE))  # "Yes, delete it"
    add(stale(strategies_list.refuse_stale_strategy_button, "str"))  # malformed or forged

    # Peers: reminders, /stop.
    add(CommandHandler("reminders", reminders.show_reminders))  # the choice, with buttons
    add(CommandHandler("stop", reminders.stop))  # pause everything the bot sends on its own
    add(button(reminders.toggle_reminder, cb.REM_TOGGLE))  # one reminder on or off
    add(button(reminders.turn_on_reminder, cb.REM_TURN_ON))  # from the one-time offer
    add(button(reminders.ask_reminder_time, cb.REM_ASK_TIME))  # "Time: 18:00": pick
    add(button(reminders.set_reminder_time, cb.REM_SET_TIME))  # the time picked
    add(button(reminders.ask_quiet_hours, cb.REM_ASK_QUIET))  # "Quiet hours": pick
    add(button(reminders.set_quiet_hours, cb.REM_SET_QUIET))  # the quiet hours picked
    add(button(reminders.choose_no_reminders, cb.REM_NONE))  # "None"
    add(button(reminders.decline_reminders, cb.REM_NO_THANKS))  # "No thanks" to the offer
    add(stale(reminders.show_reminder_choice, "rem"))  # "Back", or stale: the choice now

    # /settings, each role its own; peer workers' buttons.
    add(CommandHandler("settings", settings_by_role(SETTINGS)))  # by role
    add(button(worker_settings.ask_summary_lead, cb.WSET_ASK_LEAD))  # summary timing
    add(button(worker_settings.set_summary_lead, cb.WSET_SET_LEAD))  # the timing picked
    add(button(worker_settings.ask_working_hours, cb.WSET_ASK_HOURS))  # working hours
    add(button(worker_settings.set_working_hours, cb.WSET_SET_HOURS))  # the hours picked
    add(button(worker_settings.ask_working_days, cb.WSET_ASK_DAYS))  # working days
    add(button(worker_settings.toggle_working_day, cb.WSET_TOGGLE_DAY))  # one day on or off
    add(button(worker_settings.ask_time_zone, cb.WSET_ASK_ZONE))  # time zone
    add(button(worker_settings.set_time_zone, cb.WSET_SET_ZONE))  # the zone picked
    add(button(worker_settings.ask_capacity, cb.WSET_ASK_CAPACITY))  # how many peers at once
    add(button(worker_settings.set_capacity, cb.WSET_SET_CAPACITY))  # the number picked
    add(button(worker_settings.turn_safety_checkins, cb.WSET_SAFETY))  # check-ins on or off
    add(stale(worker_settings.show_worker_settings_again, "wset"))  # "Back", or stale

    # Referrals (SPEC §2): recorded, listed, matched, answered; the public link's consent.
    add(CommandHandler("refer", referrals.refer))  # a coordinator or worker records one
    add(CommandHandler("referrals", referrals.show_referrals))  # the waiting list
    add(button(referrals.show_referrals_again, cb.REF_LIST))  # "Back to the list"
    add(button(referrals.pick_worker, cb.REF_MATCH))  # "Match": the workers with room first
    add(button(referrals.offer_to_worker, cb.REF_OFFER))  # a worker picked (warned if full)
    add(button(referrals.offer_anyway, cb.REF_OFFER_ANYWAY))  # past capacity, confirmed
    add(button(referrals.ask_close_reason, cb.REF_ASK_CLOSE))  # "Close": why?
    add(button(referrals.close_referral, cb.REF_CLOSE))  # the reason picked
    add(button(referrals.accept_referral, cb.REF_ACCEPT))  # the worker: "Accept"
    add(button(referrals.decline_referral, cb.REF_DECLINE))  # the worker: "Not this time"
    add(button(referral_link.say_yes_please, cb.REF_YES))  # consent: kept from now on
    add(button(referral_link.say_not_now, cb.REF_NOT_NOW))  # nothing kept
    add(stale(referrals.refuse_stale_referral_button, "ref"))  # malformed or forged

    # Coordinators: /team, /digest and the digest settings' buttons.
    add(CommandHandler("team", team.show_team))  # caseloads and this week's sessions
    add(CommandHandler("digest", team.send_digest))  # the last seven days, chart and CSV
    add(button(team.ask_digest_day, cb.TEAM_ASK_DAY))  # "Change day"
    add(button(team.set_digest_day, cb.TEAM_SET_DAY))  # the day picked
    add(button(team.ask_digest_time, cb.TEAM_ASK_TIME))  # "Change time": pick or type
    add(button(team.set_digest_time, cb.TEAM_SET_TIME))  # the time picked
    add(button(team.ask_digest_zone, cb.TEAM_ASK_ZONE))  # "Change time zone": pick or type
    add(button(team.set_digest_zone, cb.TEAM_SET_ZONE))  # the zone picked
    add(stale(team.show_digest_settings_again, "team"))  # stale: the settings now

    # Endings: a peer worker's /close; the peer's three questions after their toolbox.
    add(CommandHandler("close", endings.close))  # one peer's, or the peers to pick
    add(button(endings.pick_peer_to_close, cb.CLS_PEER))  # the picked peer: why?
    add(button(endings.pick_close_reason, cb.CLS_REASON))  # the reason: sure?
    add(button(endings.close_programme, cb.CLS_CONFIRM))  # "Yes, close it"
    add(button(endings.keep_programme, cb.CLS_KEEP))  # "No, keep it going"
    add(stale(endings.refuse_stale_close_button, "cls"))  # malformed or forged
    add(button(endings.answer_helped, cb.END_HELPED))  # how much it helped, 1 to 5
    add(button(endings.answer_recommend, cb.END_RECOMMEND))  # would they recommend it
    add(button(endings.skip_question, cb.END_SKIP))  # "Skip"
    add(stale(endings.refuse_stale_ending_button, "end"))  # malformed or forged
    # Lone-working safety (SPEC §8): check-ins, "I'm safe", alerts.
    add(CommandHandler("checkin", safety.start_checkin))  # a visit not in the diary
    add(CommandHandler("safe", safety.say_safe))  # "I'm safe": ends the check-ins under way
    add(CommandHandler("sos", safety.raise_sos))  # every coordinator alerted at once
    add(button(safety.press_safe, cb.SFY_SAFE))  # "I'm safe"
    add(button(safety.handle_alert, cb.SFY_HANDLE))  # "I'm handling it"
    add(button(safety.skip_checkin_place, cb.SFY_SKIP_PLACE))  # no place given
    add(stale(sessions.refuse_stale_session_button, "sfy"))  # malformed or forged

    # A person's own data.
    add(CommandHandler("mydata", privacy.my_data))  # everything stored, as JSON
    add(CommandHandler("forget", privacy.ask_forget))  # explain, then ask to confirm
    add(CommandHandler("calendar", privacy.send_calendar))  # sessions or diary as .ics
    add(button(privacy.send_calendar_file, cb.PRV_CALENDAR))  # "Add to my calendar"
    add(button(privacy.forget_me, cb.PRV_FORGET))  # "Yes, erase my data"
    add(button(privacy.keep_my_data, cb.PRV_KEEP))  # "No, keep it"
    add(stale(privacy.refuse_stale_privacy_button, "prv"))  # malformed or forged

    # Everyone: the language the bot speaks with them.
    add(CommandHandler("language", language.show_languages))  # the choice, as buttons
    add(button(language.choose_language, cb.LANG_SET))  # switch to the pressed one
    add(stale(language.show_languages, "lang"))  # malformed or forged: the choice now

    # Flows: /cancel leaves one; typed text is the answer to the step the person is at.
    add(CommandHandler("cancel", conversation.cancel))  # says whether there was one
    add(MessageHandler(PRIVATE_TEXT, conversation.route_typed_text(TYPED)))  # by TYPED

    # Last: whatever nobody else took, and the error handler.
    add(MessageHandler(PRIVATE, fallback.not_understood))  # nobody else took it: /help, politely
    add(CallbackQueryHandler(fallback.stale_button))  # a button nobody handles
    app.add_error_handler(fallback.on_error)  # type: ignore[arg-type]  # log, then report
