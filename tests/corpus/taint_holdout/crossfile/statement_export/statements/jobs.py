from statements.runner import run_renderer


class ExportJob:
    def __init__(self, account, fmt="pdf"):
        self.account = account
        self.fmt = fmt

    def run(self):
        return run_renderer(self.account, self.fmt)
