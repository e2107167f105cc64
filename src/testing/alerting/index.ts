export {
  type SendGridStandIn,
  type SendGridStandInMail,
  type SendGridStandInOptions,
  startSendGridStandIn,
} from './sendgrid.js';
export {
  type SlackStandIn,
  type SlackStandInMessage,
  type SlackStandInOptions,
  startSlackStandIn,
} from './slack.js';
export {
  type SmtpFaultRule,
  type SmtpStandIn,
  type SmtpStandInMessage,
  type SmtpStandInOptions,
  type SmtpStep,
  startSmtpStandIn,
} from './smtp.js';
