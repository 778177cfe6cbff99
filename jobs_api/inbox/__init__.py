"""In-app inbox: messages to one account (application status changes, interviews, offers,
agreements, fairs, job alerts). Other domains write through
:func:`jobs_api.inbox.service.deliver`."""
