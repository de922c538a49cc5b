"""``gapcheck serve``: the audit, the editions and the survey as local web pages (issue #16).

For staff who never open a terminal: a page in their own browser, served by their own
machine on 127.0.0.1, doing what the commands do through the same library calls.
:mod:`gapcheck.web.app` builds the Starlette application, :mod:`gapcheck.web.server` runs it
with uvicorn; :mod:`gapcheck.web.guard` keeps other pages in the browser from driving it and
:mod:`gapcheck.web.uploads` keeps uploads inside a private temporary folder.
"""
