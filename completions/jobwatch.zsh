#compdef jobwatch

_jobwatch_completion() {
  eval $(env _TYPER_COMPLETE_ARGS="${words[1,$CURRENT]}" _JOBWATCH_COMPLETE=complete_zsh jobwatch)
}

compdef _jobwatch_completion jobwatch
