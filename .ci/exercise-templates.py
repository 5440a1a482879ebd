"""Runs the shell steps of action.yml and ci/gitlab-infralint.yml as GitHub and GitLab would,
on copies of the platform corpus, and checks what each leaves behind.

Usage: exercise-templates.py ROOT WORKDIR. Expressions (`${{ inputs.x }}`, `$VAR`) are filled
in the way the runners do; the SARIF upload step is checked for shape only (it needs GitHub).
"""

import json
import os
import re
import shutil
import subprocess
import sys

import yaml  # PyYAML comes with pre-commit

root, work = sys.argv[1], sys.argv[2]


def fail(message):
    print(f"templates: {message}")
    sys.exit(1)


def corpus(case, user):
    repo = os.path.join(work, f"{user}-{case}")
    shutil.copytree(os.path.join(root, "tests/corpus/platform", case), repo)
    return repo


def github_action():
    action = yaml.safe_load(open(os.path.join(root, "action.yml")))
    inputs = {k: str(v.get("default", "")) for k, v in action["inputs"].items()}
    temp = os.path.join(work, "runner-temp")
    os.makedirs(temp, exist_ok=True)
    values = {"github.action_path": root, "runner.temp": temp}
    values.update({f"inputs.{k}": v for k, v in inputs.items()})

    def expand(text):
        def one(m):
            key = m.group(1).strip()
            if key not in values:
                fail(f"action.yml uses `${{{{ {key} }}}}`, which this check does not know")
            return values[key]

        return re.sub(r"\$\{\{(.*?)\}\}", one, text)

    repo = corpus("defects", "action")
    codes, output = [], ""
    for step in action["runs"]["steps"]:
        if "run" in step:
            # Composite steps run as `bash --noprofile --norc -eo pipefail {0}`.
            p = subprocess.run(
                ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", expand(step["run"])],
                cwd=repo, capture_output=True, text=True,
            )
            codes.append(p.returncode)
            output += p.stdout
            if p.returncode not in (0, 1):
                fail(f"action step `{step['name']}` exited {p.returncode}:\n{p.stderr}")
        else:
            uses, with_ = step.get("uses", ""), step.get("with", {})
            if not uses.startswith("github/codeql-action/upload-sarif@"):
                fail(f"unexpected action step {step}")
            if with_.get("sarif_file") != "${{ inputs.sarif }}" or "always()" not in step.get("if", ""):
                fail("the upload step must always upload the SARIF the lint step wrote")
    if codes != [0, 1]:
        fail(f"action: build and lint exited {codes}, expected [0, 1] on the defects corpus")
    if "::error file=" not in output:
        fail("action: no GitHub annotations printed")
    sarif = json.load(open(os.path.join(repo, inputs["sarif"])))
    results = sarif["runs"][0]["results"]
    if not results:
        fail("action: the SARIF file has no results")
    print(f"templates: action.yml built, annotated and wrote {len(results)} SARIF results")


def gitlab_job():
    job = yaml.safe_load(open(os.path.join(root, "ci/gitlab-infralint.yml")))["infralint"]
    # A clone with the branch the template names, reachable as a git URL, like a real remote.
    remote = os.path.join(work, "infralint.git")
    subprocess.run(["git", "clone", "--quiet", "--bare", root, remote], check=True)
    head = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], check=True,
                          capture_output=True, text=True).stdout.strip()
    variables = {k: str(v) for k, v in job["variables"].items()}
    subprocess.run(["git", "-C", remote, "update-ref", f"refs/heads/{variables['INFRALINT_REF']}", head],
                   check=True)
    variables["INFRALINT_GIT_URL"] = f"file://{remote}"
    install = os.path.join(work, "gitlab-cargo")
    env = dict(os.environ, **variables, CARGO_INSTALL_ROOT=install,
               PATH=f"{install}/bin:{os.environ['PATH']}")
    report = job["artifacts"]["reports"]["codequality"]
    if job["artifacts"].get("when") != "always":
        fail("the GitLab job must keep its report when findings fail it")
    for case, expected in [("clean", 0), ("defects", 1)]:
        repo = corpus(case, "gitlab")
        script = "\n".join(job["script"])
        p = subprocess.run(["bash", "-eo", "pipefail", "-c", script], cwd=repo, env=env,
                           capture_output=True, text=True)
        if p.returncode != expected:
            fail(f"GitLab job on the {case} corpus exited {p.returncode}, expected {expected}:\n{p.stderr[-3000:]}")
        issues = json.load(open(os.path.join(repo, report)))
        if not isinstance(issues, list) or (case == "defects") != bool(issues):
            fail(f"GitLab job on the {case} corpus wrote an unexpected {report}")
        print(f"templates: GitLab job on the {case} corpus exited {expected} with {len(issues)} Code Quality issues")


github_action()
gitlab_job()
